/**
 * WhereFilter: real jq (jq-wasm, pinned at jq 1.8.2) evaluated against each message's wire
 * envelope `{"data","meta":{"tags"},"seq","time"}`, for `cairn follow --where` and the
 * server. Several expressions are ANDed. Messages are evaluated in batches, one jq run per
 * batch, each message isolated with `try`, so a runtime error counts as false for that
 * message only. A result that is not a boolean is a Usage error: a typo must not silently
 * match all. jq runs under BoundedJq's budgets: a message on which the filter runs longer
 * than the time budget, or grows jq's memory past the memory budget, is a Busy error naming
 * the budget; `halt` and `halt_error` (which would end the whole batch) are Usage errors.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { Message } from "../../core/message.js";
import { messageToJsonLine } from "../wire/message.js";
import { BoundedJq, DEFAULT_JQ_BUDGETS, JqBudgetError, type JqBudgets } from "./bounded-jq.js";

const EXPRESSION_HINT = "--where takes a jq expression that yields true or false, e.g. '.data.level == \"error\"'";

/**
 * One message's verdict per expression, reduced inside jq so the output stays small
 * whatever the expression yields: true when an output was true, false when none was, or
 * `{"not_boolean": V}` for the first output that is not a boolean.
 */
function verdict(expression: string): string {
  return `reduce (\n${expression}\n) as $v (false; if type == "object" then . elif ($v | type) == "boolean" then (. or $v) else {"not_boolean": $v} end)`;
}

/** The per-batch program: one line per message, its verdicts, or null when one raised. */
function batchProgram(expressions: readonly string[], input: "argument" | "stdin"): string {
  const all = expressions.map(verdict).join(", ");
  return `${input === "argument" ? "$__cairn_batch" : "."}[] | try [${all}] catch null`;
}

/**
 * Batches go to jq as an `--argjson` argument, not on stdin: jq-wasm feeds stdin one byte
 * per JS call (measured 32k msg/s with 1 KiB messages, against 44k/s as an argument). An
 * argument of about 1.5 MiB overflows jq-wasm's memory ("memory access out of bounds"),
 * so arguments stay under this bound and a larger single message goes through stdin.
 */
const ARGUMENT_CHARS_MAX = 512 * 1024;
const BASE_FLAGS = ["-c", "--unbuffered"];

/** jq's compile error without the wrapper: the user's line and column, or the end of the expression. */
function compileErrorDetail(stderr: string, expression: string): string {
  const first = stderr.split("\n")[0]?.replace(/^jq: error: /, "") ?? "";
  const at = / at <top-level>, line (\d+), column (\d+):?$/.exec(first);
  if (!at) return first.trim();
  const message = first.slice(0, at.index);
  const line = Number(at[1]) - 1; // the expression starts on the wrapper's second line
  const lines = expression.split("\n").length;
  if (line < 1 || line > lines) return `${message} at the end of the expression`;
  return lines === 1 ? `${message} at column ${at[2]}` : `${message} at line ${line}, column ${at[2]}`;
}

export class WhereFilter {
  private constructor(
    private readonly jq: BoundedJq,
    private readonly expressions: readonly string[],
  ) {}

  /** Starts jq and compiles the expressions; a compile error is a Usage error. */
  static async compile(expressions: readonly string[], budgets: JqBudgets = DEFAULT_JQ_BUDGETS): Promise<WhereFilter> {
    const jq = new BoundedJq(budgets);
    try {
      for (const expression of expressions) {
        // Compiled, never run: `empty` keeps an expensive or endless expression from running here.
        let result = await jq.run({
          input: null,
          program: `if false then (\n${expression}\n) else empty end`,
          flags: [],
        });
        if (result.exitCode === 0) {
          const program = batchProgram([expression], "argument");
          result = await jq.run({ input: null, program, flags: [...BASE_FLAGS, "--argjson", "__cairn_batch", "[]"] });
        }
        if (result.exitCode !== 0) {
          throw new CairnError(
            ErrorKind.Usage,
            `invalid --where expression ${JSON.stringify(expression)}: ${compileErrorDetail(result.stderr, expression)}`,
            { hint: EXPRESSION_HINT },
          );
        }
      }
    } catch (err) {
      jq.stop();
      // jq folds constants while compiling (`"x" * 1e9`), so compiling can exceed a budget too.
      if (err instanceof JqBudgetError) throw new WhereFilter(jq, expressions).overBudget(err, null);
      throw err;
    }
    return new WhereFilter(jq, expressions);
  }

  /** Ends jq's worker thread. */
  close(): void {
    this.jq.stop();
  }

  /** The messages of `batch` for which every expression is true, in order. */
  async select(batch: readonly Message[]): Promise<Message[]> {
    const texts = batch.map(messageToJsonLine);
    const keep = await this.matches(texts, (i) => (batch[i] as Message).seq);
    return batch.filter((_, i) => keep[i]);
  }

  /**
   * For each message, given as its wire JSON text, whether every expression holds.
   * `seqOf(i)` names the message in an error.
   */
  async matches(wireTexts: readonly string[], seqOf: (index: number) => number): Promise<boolean[]> {
    const out: boolean[] = [];
    let from = 0;
    while (from < wireTexts.length) {
      let to = from;
      let chars = 2;
      while (
        to < wireTexts.length &&
        (to === from || chars + (wireTexts[to] as string).length + 1 <= ARGUMENT_CHARS_MAX)
      ) {
        chars += (wireTexts[to] as string).length + 1;
        to += 1;
      }
      const lines = await this.runBatch(wireTexts.slice(from, to), (i) => seqOf(from + i));
      for (const [i, line] of lines.entries()) {
        const verdicts = JSON.parse(line) as unknown[] | null;
        out.push(verdicts !== null && this.allTrue(verdicts, seqOf(from + i)));
      }
      from = to;
    }
    return out;
  }

  /** One jq run over a batch: one output line per message, or the error that stopped it. */
  private async runBatch(texts: readonly string[], seqOf: (index: number) => number): Promise<string[]> {
    const input = `[${texts.join(",")}]`;
    const request =
      input.length <= ARGUMENT_CHARS_MAX
        ? {
            input: null,
            program: batchProgram(this.expressions, "argument"),
            flags: [...BASE_FLAGS, "--argjson", "__cairn_batch", input],
          }
        : { input, program: batchProgram(this.expressions, "stdin"), flags: BASE_FLAGS };
    let result: Awaited<ReturnType<BoundedJq["run"]>>;
    try {
      result = await this.jq.run(request);
    } catch (err) {
      if (err instanceof JqBudgetError) throw this.overBudget(err, seqOf(Math.min(err.outputsDone, texts.length - 1)));
      throw err;
    }
    const lines = result.stdout.length === 0 ? [] : result.stdout.split("\n");
    if (result.exitCode !== 0 || lines.length !== texts.length) {
      const seq = seqOf(Math.min(lines.length, texts.length - 1));
      throw new CairnError(
        ErrorKind.Usage,
        `--where ${this.described()} stopped jq on message ${seq} (halt or halt_error): a filter must yield true or false`,
        { hint: EXPRESSION_HINT, seq },
      );
    }
    return lines;
  }

  private overBudget(err: JqBudgetError, seq: number | null): CairnError {
    const budgets = this.jq.budgets;
    const where = seq === null ? "while compiling" : `on message ${seq}`;
    const message =
      err.budget === "time"
        ? `--where ${this.described()} ran longer than its time budget (${budgets.outputTimeMs} ms per message) ${where}`
        : `--where ${this.described()} needed more than its memory budget (${Math.round(budgets.heapBytesMax / 1024 / 1024)} MiB) ${where}`;
    return new CairnError(ErrorKind.Busy, message, {
      hint: "a filter must finish quickly on each message: look for endless recursion or generators such as repeat and range",
      ...(seq === null ? {} : { seq }),
      cause: err,
    });
  }

  private described(): string {
    const quoted = this.expressions.map((e) => JSON.stringify(e));
    return quoted.length === 1 ? `expression ${quoted[0]}` : `expressions ${quoted.join(", ")}`;
  }

  /** Like jq's `select`: a message passes an expression when one of its outputs is true. */
  private allTrue(verdicts: unknown[], seq: number): boolean {
    let pass = true;
    for (const verdict of verdicts) {
      if (typeof verdict === "object" && verdict !== null) {
        const value = (verdict as { not_boolean: unknown }).not_boolean;
        throw new CairnError(
          ErrorKind.Usage,
          `--where expression yielded ${JSON.stringify(value)} (not a boolean) for message ${seq}`,
          { hint: "make the expression a test, e.g. '.data.x != null' or '.data.ok == true'", seq },
        );
      }
      if (verdict !== true) pass = false;
    }
    return pass;
  }
}
