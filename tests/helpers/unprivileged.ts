// Root reads any file whatever its mode, so a "permission denied" test run as root would pass
// for the wrong reason. As root, these children run without the two capabilities that bypass
// file permissions (dropped with util-linux's setpriv): a mode-000 file is then unreadable to
// them, while every path they need (Node itself, the checkout, node_modules) stays reachable
// wherever it lives. As any other user the command runs unchanged.
const DAC_CAPS = '-dac_override,-dac_read_search';

export function unprivileged(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', [`--bounding-set=${DAC_CAPS}`, `--inh-caps=${DAC_CAPS}`, command, ...args]];
}
