/**
 * `--where EXPR`: real jq (jq-wasm, pinned at jq 1.8.2) evaluated against each message's
 * wire envelope `{"data","meta":{"tags"},"seq","time"}`. Several expressions are ANDed.
 * Messages are evaluated in batches, one jq run per batch, each message isolated with
 * `try`, so a runtime error counts as false for that message only. A result that is not
 * a boolean is a Usage error (as in the reference): a typo must not silently match all.
 * Imported only when --where is given.
 */
import { type Jq, loadJq } from "jq-wasm";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { messageToWire } from "../../api/wire/message.js";
import type { Message } from "../../core/message.js";

/** The per-batch program: per message, the outputs of each expression, or null when one raised. */
function batchProgram(expressions: readonly string[], input: "argument" | "stdin"): string {
  const all = expressions.map((e) => `[${e}]`).join(", ");
  return `[${input === "argument" ? "$__cairn_batch" : "."}[] | try [${all}] catch null]`;
}

/**
 * Batches go to jq as an `--argjson` argument, not on stdin: jq-wasm feeds stdin one byte
 * per JS call (measured 32k msg/s with 1 KiB messages, against 44k/s as an argument). An
 * argument of about 1.5 MiB overflows jq-wasm's memory ("memory access out of bounds"),
 * so arguments stay under this bound and a larger single message goes through stdin.
 */
const ARGUMENT_CHARS_MAX = 512 * 1024;

export class WhereFilter {
  private constructor(
    private readonly jq: Jq,
    private readonly argumentProgram: string,
    private readonly stdinProgram: string,
  ) {}

  /** Loads jq and compiles the expressions; a compile error is a Usage error. */
  static async compile(expressions: readonly string[]): Promise<WhereFilter> {
    const jq = await loadJq();
    for (const expression of expressions) {
      // Compiled, never run: `empty` keeps an expensive or endless expression from running here.
      let result = jq.raw("null", `if false then (${expression}) else empty end`);
      if (result.exitCode === 0)
        result = jq.raw(null, batchProgram([expression], "argument"), ["--argjson", "__cairn_batch", "[]"]);
      if (result.exitCode !== 0) {
        const detail = result.stderr
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l.length > 0 && !/^jq: \d+ compile errors?$/.test(l))
          .join(" ")
          .replace(/^jq: error: /, "");
        throw new CairnError(ErrorKind.Usage, `invalid --where expression ${JSON.stringify(expression)}: ${detail}`, {
          hint: "--where takes a jq expression that yields true or false, e.g. '.data.level == \"error\"'",
        });
      }
    }
    return new WhereFilter(jq, batchProgram(expressions, "argument"), batchProgram(expressions, "stdin"));
  }

  /** The messages of `batch` for which every expression is true, in order. */
  select(batch: readonly Message[]): Message[] {
    const texts = batch.map((m) => JSON.stringify(messageToWire(m)));
    const keep = this.matches(texts, (i) => (batch[i] as Message).seq);
    return batch.filter((_, i) => keep[i]);
  }

  /**
   * For each message, given as its wire JSON text, whether every expression holds.
   * `seqOf(i)` names the message in a Usage error.
   */
  matches(wireTexts: readonly string[], seqOf: (index: number) => number): boolean[] {
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
      const input = `[${wireTexts.slice(from, to).join(",")}]`;
      const result =
        input.length <= ARGUMENT_CHARS_MAX
          ? this.jq.raw(null, this.argumentProgram, ["-c", "--argjson", "__cairn_batch", input])
          : this.jq.raw(input, this.stdinProgram, ["-c"]);
      if (result.exitCode !== 0)
        throw new CairnError(ErrorKind.Internal, `jq failed on a batch: ${result.stderr.trim()}`);
      const verdicts = JSON.parse(result.stdout) as (unknown[][] | null)[];
      for (let i = 0; i < to - from; i++) {
        const outputs = verdicts[i];
        out.push(outputs !== null && outputs !== undefined && this.allTrue(outputs, seqOf(from + i)));
      }
      from = to;
    }
    return out;
  }

  /** Like jq's `select`: a message passes an expression when one of its outputs is true. */
  private allTrue(outputsPerExpression: unknown[][], seq: number): boolean {
    let pass = true;
    for (const outputs of outputsPerExpression) {
      for (const value of outputs) {
        if (typeof value !== "boolean") {
          throw new CairnError(
            ErrorKind.Usage,
            `--where expression yielded ${JSON.stringify(value)} (not a boolean) for message ${seq}`,
            { hint: "make the expression a test, e.g. '.data.x != null' or '.data.ok == true'", seq },
          );
        }
      }
      if (!outputs.includes(true)) pass = false;
    }
    return pass;
  }
}
