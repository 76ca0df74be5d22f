import type { Finding, Rule } from '../types';
import { wordRange } from '../shell';
import { chainInstructions } from '../stages';
import { shippedPackages } from './shippedPackages';
import { shippedDescription } from './util';

/** Package names of tools an intruder uses first; debugging gets them from a sidecar instead. */
const ATTACK_TOOLS = new Map<string, string>([
  ['curl', 'curl'], ['wget', 'wget'],
  ['netcat', 'netcat'], ['netcat-openbsd', 'netcat'], ['netcat-traditional', 'netcat'], ['ncat', 'netcat'], ['nmap-ncat', 'netcat'], ['socat', 'socat'],
  ['bash', 'bash'],
  ['ssh', 'ssh'], ['openssh', 'ssh'], ['openssh-client', 'ssh'], ['openssh-clients', 'ssh'], ['openssh-server', 'ssh'],
  ['sudo', 'sudo'],
]);

export const SIDECAR_HINT =
  'To debug the running container, use the extension\'s debug sidecar command instead: it starts a tools container that joins the target\'s PID and network namespaces ' +
  '(docker run --rm -it --pid=container:<name> --network=container:<name> busybox sh).';

/** curl, wget, netcat, bash, ssh or sudo installed in the shipped stage. */
export const attackToolsInFinalStage: Rule = {
  id: 'attack-tools-in-final-stage',
  defaultSeverity: 'information',
  summary: 'Tools an attacker would use (curl, wget, netcat, bash, ssh, sudo) are installed in the shipped stage.',
  check({ model }) {
    const stage = model.shipped;
    if (!stage) return [];
    const findings: Finding[] = [];
    for (const instruction of chainInstructions(stage)) {
      // A tool removed again in the same RUN (apk del .deps, apt-get purge curl) does not ship.
      const tools = shippedPackages(model, instruction).filter((p) => ATTACK_TOOLS.has(p.name));
      if (tools.length === 0) continue;
      const names = [...new Set(tools.map((t) => t.name))];
      findings.push({
        range: wordRange(model, tools[0].word),
        message: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} installed in ${shippedDescription(model, stage)}: after a code-execution bug they are the first tools an attacker uses ` +
          `to download payloads, open shells or move sideways. Ship without them. ${SIDECAR_HINT}`,
      });
    }
    return findings;
  },
};
