/**
 * .NET: `dotnet publish` output on the chiseled aspnet image (framework-dependent)
 * or runtime-deps (self-contained); chiseled images run as the non-root `app` user.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { dotnetChiseledImage, DOTNET_FIRST_NOBLE_CHISELED } from '../imageFacts';
import { basename, values } from '../shell';
import { resolvePath } from '../stages';
import { flagValue, insertAt } from './common';
import type { LanguageContext, LanguageConverter, PlanResult } from './types';

const OUT = '/out';

export const dotnetConverter: LanguageConverter = {
  language: 'dotnet',
  plan(context): PlanResult {
    const words = context.start;
    const frameworkDependent = words[0] === 'dotnet' && /\.dll$/.test(words[1] ?? '');
    const selfContained = !frameworkDependent && words.length > 0 && words[0] !== 'dotnet';
    const version = context.chain[0].base.runtimeVersion;
    const runtimeImage = dotnetChiseledImage(version, selfContained);
    if (!runtimeImage) {
      return { refuse: `.NET ${version} has no chiseled runtime image (they start with .NET ${DOTNET_FIRST_NOBLE_CHISELED}); move the project to a supported .NET first` };
    }
    const entry = frameworkDependent ? words[1] : selfContained ? words[0] : undefined;

    if (entry) {
      const copied = context.copiedFrom(resolvePath(entry, context.workdir));
      if (copied && !context.stage.parent) {
        return { runtimeImage, replaceShipped: true, copies: [], entrypoint: words.slice(0, Math.max(context.entrypointLength, frameworkDependent ? 2 : 1)), cmd: words.slice(Math.max(context.entrypointLength, frameworkDependent ? 2 : 1)) };
      }
    }

    const edits: TextEdit[] = [];
    const append: string[] = [];
    let outDir: string | undefined;
    for (const run of context.runs) {
      for (const command of run.shell) {
        const w = values(command.words);
        if (w[0] !== 'dotnet' || w[1] !== 'publish') continue;
        const o = flagValue(w, ['-o', '--output']);
        if (o) outDir = resolvePath(o, run.workdir);
        else if (!command.exec) {
          edits.push(insertAt(context.model, command.words[1].end, ` -o ${OUT}`));
          outDir = OUT;
        }
      }
    }
    const project = projectOf(context);
    const name = entry ? basename(entry).replace(/\.dll$/, '') : project?.name;
    if (!name) return { refuse: 'the app is not started from a published .dll and no single *.csproj beside the Dockerfile names it: publish the app and start it with dotnet <app>.dll, then convert again' };
    if (!outDir) {
      // The project path assumes the build context is copied into WORKDIR, as `COPY . .` does.
      append.push(`RUN dotnet publish ${project && project.path.includes('/') ? `${project.path} ` : ''}-c Release -o ${OUT}`);
      outDir = OUT;
    }
    const args = words.slice(frameworkDependent ? 2 : selfContained ? 1 : words.length);
    return {
      runtimeImage,
      replaceShipped: false,
      copies: [`COPY --from=${context.buildName} ${outDir} /app`],
      workdir: '/app',
      entrypoint: selfContained ? [`/app/${name}`] : ['dotnet', `${name}.dll`],
      cmd: args,
      edits,
      append,
    };
  },
};

function projectOf(context: LanguageContext): { name: string; path: string } | undefined {
  const projects = context.workspace?.findFiles?.(/\.csproj$/, 2) ?? [];
  if (projects.length !== 1) return undefined;
  const path = projects[0].replace(/\\/g, '/');
  const assembly = /<AssemblyName>\s*([^<\s]+)\s*<\/AssemblyName>/.exec(context.workspace?.readFile(projects[0]) ?? '')?.[1];
  return { name: assembly ?? basename(path).replace(/\.csproj$/, ''), path };
}
