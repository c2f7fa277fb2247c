/**
 * A cell tree that needs a custom node (`Beep`, from a test's node module): the baseline
 * task with the custom condition in front of the handover. `header` goes first, e.g.
 * `nodes: [./nodes.mjs]\n` to load the module from the tree file itself.
 *
 * @example
 * ```ts
 * writeFileSync('cell.yaml', cellTreeWithBeep('nodes: [./good.mjs]\n'));
 * ```
 */
export function cellTreeWithBeep(header = ''): string {
  return `${header}main: Cell
trees:
  Cell:
    ReactiveSequence:
      children:
        - ControllerAvailable
        - Beep: { times: 2 }
        - Retry:
            numAttempts: 3
            child:
              Handover: { objectId: part-7, target: right_hand, timeoutMs: 8000 }
`;
}
