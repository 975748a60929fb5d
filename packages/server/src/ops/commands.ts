/** The operator commands of `parley-server`, each in its own file of this folder. */
export const OPERATOR_COMMANDS = ['backup', 'restore', 'doctor', 'seed'] as const;

/** The name of one operator command. */
export type OperatorCommand = (typeof OPERATOR_COMMANDS)[number];

/** Whether the first argument names an operator command (rather than a server flag). */
export function isOperatorCommand(name: string): name is OperatorCommand {
  return (OPERATOR_COMMANDS as readonly string[]).includes(name);
}
