/**
 * `cairn completion bash|zsh|fish`: prints a completion script generated from the
 * command tree itself, so it always lists the commands and flags this build has.
 */
import type { Command } from "commander";
import { CairnError, ErrorKind } from "../core/errors.js";
import { printText } from "./shared/output.js";

interface CommandSpec {
  path: string[];
  flags: string[];
  subcommands: string[];
}

function specsOf(command: Command, path: string[] = []): CommandSpec[] {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const flags = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === "string"));
  const own: CommandSpec = { path, flags: [...flags, "--help"], subcommands: visible.map((c) => c.name()) };
  return [own, ...visible.flatMap((c) => specsOf(c, [...path, c.name()]))];
}

/** Commands whose first argument is a pool: completion offers pool names there. */
const POOL_COMMANDS = ["follow", "fetch", "feed", "tap", "doctor", "pool info", "pool delete", "pool truncate"];

function bashScript(specs: CommandSpec[]): string {
  const cases = specs
    .map((s) => `    "${s.path.join(" ")}") words="${[...s.subcommands, ...s.flags].join(" ")}" ;;`)
    .join("\n");
  return `# cairn bash completion: eval "$(cairn completion bash)"
_cairn() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case " $(_cairn_words "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  local words
  words="$(_cairn_words "$path")"
  # Where a command takes a pool, offer the pool directory's pools (a glob: no cairn process).
  case "$path" in
    ${POOL_COMMANDS.map((c) => `"${c}"`).join("|")}) [[ "$cur" != -* ]] && words="$words $(_cairn_pools)" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_cairn_pools() {
  local f names=""
  for f in "\${CAIRN_DIR:-$HOME/.cairn/pools}"/*.cairn "\${CAIRN_DIR:-$HOME/.cairn/pools}"/*.plasmite; do
    [[ -e "$f" ]] || continue
    f="\${f##*/}"
    names="$names \${f%.*}"
  done
  echo "$names"
}
_cairn_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -o default -F _cairn cairn
`;
}

function zshScript(specs: CommandSpec[]): string {
  return `#compdef cairn
# cairn zsh completion: eval "$(cairn completion zsh)"
autoload -Uz bashcompinit && bashcompinit
${bashScript(specs)}`;
}

function fishScript(specs: CommandSpec[]): string {
  const lines = ["# cairn fish completion: cairn completion fish | source", "complete -c cairn -f"];
  for (const s of specs) {
    const condition =
      s.path.length === 0 ? "__fish_use_subcommand" : `__fish_seen_subcommand_from ${s.path[s.path.length - 1]}`;
    for (const sub of s.subcommands) lines.push(`complete -c cairn -n '${condition}' -a ${sub}`);
    for (const flag of s.flags) {
      if (flag.startsWith("--")) lines.push(`complete -c cairn -n '${condition}' -l ${flag.slice(2)}`);
      else lines.push(`complete -c cairn -n '${condition}' -s ${flag.slice(1)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function runCompletion(shell: string, _options: unknown, command: Command): void {
  let root = command;
  while (root.parent) root = root.parent;
  const specs = specsOf(root);
  const scripts: Record<string, (s: CommandSpec[]) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
  const make = scripts[shell];
  if (!make) throw new CairnError(ErrorKind.Usage, `unknown shell "${shell}" (supported: bash, zsh, fish)`);
  printText(make(specs));
}
