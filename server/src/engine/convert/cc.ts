/**
 * C/C++: the binary the start command names ships on cc-debian13 (glibc and
 * libstdc++), or static-debian13 when the build links with -static.
 */
import { distrolessNativeImage } from '../imageFacts';
import { isInside, resolvePath, stageChainFromBase } from '../stages';
import { argumentFileCopies, nativeStart, nativeTarget, runSteps } from './common';
import type { LanguageConverter, PlanResult } from './types';

export const ccConverter: LanguageConverter = {
  language: 'c',
  plan(context): PlanResult {
    const program = context.start[0];
    if (!program) return { refuse: 'there is no start command (CMD or ENTRYPOINT), so the binary to ship is unknown' };
    if (!program.includes('/') && !program.startsWith('.')) {
      return { refuse: `the start command names ${program} through PATH, so it is unknown which file the build produced: start the binary by its absolute path and convert again` };
    }
    const path = resolvePath(program, context.workdir);
    if (['/bin', '/sbin', '/usr/bin', '/usr/sbin'].some((d) => isInside(path, d))) {
      return { refuse: `the start command runs ${path}, a program from the image's OS packages rather than one the build compiled: converting it would need the package's files and libraries; ship a binary your build produces` };
    }
    const copied = context.copiedFrom(path);
    const chain = copied ? stageChainFromBase(copied.stage) : context.chain;
    const runs = copied ? runSteps(context.model, copied.stage).runs : context.runs;
    const isStatic = runs.some((r) => r.commands.some((c) => c.some((w) => w === '-static' || /^LDFLAGS=.*-static/.test(w)))) || /-static\b/.test(chain.map((s) => s.env.get('LDFLAGS') ?? '').join(' '));
    if (!isStatic && chain[0].base.libc === 'musl') {
      return { refuse: 'the binary is built on Alpine against musl and is not linked statically, so it cannot run on a glibc distroless image: link it with -static or build on a Debian image' };
    }
    const runtimeImage = distrolessNativeImage(isStatic ? 'static' : 'libstdc++', context.distrolessRegistry);
    const notes = isStatic ? [] : ['Shared libraries the binary loads beyond glibc and libstdc++ must be copied from the build stage.'];
    if (copied && !context.stage.parent) return { runtimeImage, replaceShipped: true, copies: [], notes, ...nativeStart(context, program) };
    const target = nativeTarget(context, path);
    const args = nativeStart(context, target);
    const copies = [`COPY --from=${context.buildName} ${path} ${target}`, ...argumentFileCopies(context, [...args.entrypoint.slice(1), ...args.cmd], [target])];
    return { runtimeImage, replaceShipped: false, copies, notes, ...args };
  },
};
