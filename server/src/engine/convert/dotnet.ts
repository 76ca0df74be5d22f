/**
 * .NET: the published app on a chiseled Ubuntu image (no shell, runs as the non-root
 * `app` user).
 *
 * Which chiseled image depends on how the app was published, not on how it is started:
 * - framework-dependent (`dotnet app.dll`, or an apphost published without
 *   --self-contained) needs the runtime: `aspnet` for web apps, `runtime` otherwise;
 * - self-contained (or native AOT) carries its runtime: `runtime-deps`.
 * Since .NET 8 a runtime identifier (`-r`, `-a`) no longer implies self-contained
 * (https://learn.microsoft.com/dotnet/core/compatibility/sdk/8.0/runtimespecific-app-default,
 * https://learn.microsoft.com/dotnet/core/compatibility/sdk/8.0/arch-option).
 *
 * When the shipped stage only copies a published app from a build stage (the Microsoft
 * samples: `COPY --link --from=build /app .`), the build stage is kept as it is and only
 * the shipped stage's base changes, to the chiseled tag of the same product
 * (`aspnet:10.0` → `aspnet:10.0-noble-chiseled`); nothing is built in the runtime image.
 *
 * Chiseled images are glibc (Ubuntu): an app published for `linux-musl-*` (Alpine) is
 * switched to the matching `linux-*` RID where the RID is written in the build, and
 * refused where it is not.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { DOTNET_FIRST_NOBLE_CHISELED, dotnetChiseledProductImage, dotnetProductOf } from '../imageFacts';
import type { Stage } from '../model';
import { offsetOf, rangeOf } from '../model';
import { imageOf } from '../instructions';
import { basename, rawText, values } from '../shell';
import { resolvePath, stageChainFromBase } from '../stages';
import { flagValue, insertAt, runSteps } from './common';
import type { LanguageContext, LanguageConverter, PlanResult, RunStep } from './types';

const OUT = '/out';
const DOTNET = /^(?:\/usr\/bin\/|\/usr\/share\/dotnet\/)?dotnet$/;
const PACKAGE_INSTALL = /^(?:apt-get|apt|apk|yum|dnf|microdnf|tdnf|zypper)$/;
/** Packages a runtime stage installs only for HEALTHCHECK or TLS, which chiseled images make unnecessary (certificates are included). */
const NOT_NEEDED_AT_RUNTIME = new Set(['curl', 'wget', 'ca-certificates']);

/**
 * The plain chiseled images have neither ICU nor tzdata and run in globalization-invariant
 * mode; the `-chiseled-extra` tags add both, and Microsoft points apps that need cultures
 * or time zones to them ("jammy-chiseled does not include the ICU or tzdata packages. Use
 * jammy-chiseled-extra if you need those packages": dotnet/dotnet-docker
 * documentation/ubuntu-chiseled.md; https://learn.microsoft.com/dotnet/core/docker/container-images).
 */
const GLOBALIZATION_PACKAGES = /^(?:libicu\d*(?:t64)?|icu-libs|icu-data-full|libicu-dev|tzdata)$/;
const GLOBALIZATION_CODE = /\b(?:TimeZoneInfo\.(?:FindSystemTimeZoneById|ConvertTimeBySystemTimeZoneId|TryFindSystemTimeZoneById|GetSystemTimeZones)|new\s+CultureInfo\s*\(\s*"[^"]+"|CultureInfo\.(?:GetCultureInfo|CreateSpecificCulture)\s*\(\s*"[^"]+"|new\s+RegionInfo\s*\(|RequestLocalizationOptions|UseRequestLocalization|SupportedCultures)\b/;

/**
 * What shows the app uses cultures or time zones: ICU or tzdata installed, invariant
 * mode turned off, TZ set, InvariantGlobalization false in a project, or code that looks
 * up a time zone or a named culture. Undefined when nothing does (an app that states
 * InvariantGlobalization true never needs them).
 */
function globalizationEvidence(context: LanguageContext, runs: RunStep[]): string | undefined {
  const installed = installedPackages(runs).find((p) => GLOBALIZATION_PACKAGES.test(p));
  if (installed) return `installs ${installed}`;
  for (const st of context.chain) {
    const invariant = st.env.get('DOTNET_SYSTEM_GLOBALIZATION_INVARIANT');
    if (invariant !== undefined && /^(?:false|0)$/i.test(invariant)) return 'sets DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false';
    if (st.env.get('TZ')) return `sets TZ=${st.env.get('TZ')}`;
  }
  const workspace = context.workspace;
  const projects = projectFiles(context).map((f) => workspace?.readFile(f) ?? '');
  if (projects.some((p) => /<InvariantGlobalization>\s*true\s*<\/InvariantGlobalization>/i.test(p))) return undefined;
  if (projects.some((p) => /<InvariantGlobalization>\s*false\s*<\/InvariantGlobalization>/i.test(p))) return 'sets InvariantGlobalization false';
  const sources = workspace?.findFiles?.(/\.cs$/, 200) ?? [];
  const code = sources.find((f) => GLOBALIZATION_CODE.test(workspace?.readFile(f) ?? ''));
  return code ? `looks up cultures or time zones in ${code}` : undefined;
}

interface PublishFacts {
  selfContained: boolean;
  aot: boolean;
  /** The build names a runtime identifier (or architecture), so native assets are for one OS flavour. */
  ridSpecific: boolean;
  /** RIDs written in the build that name musl, and the edits that switch them to glibc. */
  muslEdits: TextEdit[];
  /** A musl RID that no single edit of the Dockerfile can switch (a project file, a variable). */
  muslElsewhere?: string;
  web?: boolean;
}

export const dotnetConverter: LanguageConverter = {
  language: 'dotnet',
  plan(context): PlanResult {
    const words = context.start;
    const frameworkDependentStart = DOTNET.test(words[0] ?? '') && /\.dll$/.test(words[1] ?? '');
    const entry = frameworkDependentStart ? words[1] : words[0] !== undefined && !DOTNET.test(words[0]) ? words[0] : undefined;
    const entryLength = frameworkDependentStart ? 2 : 1;
    const copied = entry ? context.copiedFrom(resolvePath(entry, context.workdir)) : undefined;
    const assembles = copied !== undefined && !context.stage.parent;
    const buildChain: Stage[] = assembles ? stageChainFromBase(copied.stage) : context.chain;
    const buildRuns = assembles ? runSteps(context.model, copied.stage).runs : context.runs;
    const facts = publishFacts(context, buildRuns);
    const selfContained = !frameworkDependentStart && (facts.selfContained || facts.aot);

    if (facts.muslElsewhere) {
      return { refuse: `the app is published for ${facts.muslElsewhere} (Alpine's musl), which cannot run on the glibc chiseled images, and the runtime identifier is not written where one edit can switch it: publish for linux-<arch> (or on the Debian/Ubuntu SDK) and convert again` };
    }
    const builderMusl = buildChain[0].base.libc === 'musl';
    if (builderMusl && facts.aot) {
      return { refuse: 'the app is compiled ahead of time (PublishAot) on Alpine (musl), so the native binary needs musl, and native AOT cannot target glibc from there: build on the Debian/Ubuntu SDK and convert again' };
    }
    if (builderMusl && (facts.ridSpecific || selfContained) && facts.muslEdits.length === 0) {
      return { refuse: 'the app is published on the Alpine SDK for its own runtime identifier (linux-musl-*), so its native parts need musl and cannot run on the glibc chiseled images: publish with -r linux-<arch> or on the Debian/Ubuntu SDK and convert again' };
    }

    const shippedProduct = dotnetProductOf(context.stage.base.ref);
    // A single stage on a runtime image (no SDK) that publishes nothing ships an app
    // built elsewhere and copied in: there is nothing to build here (a RUN dotnet publish
    // would fail there), so only the image changes, to the chiseled tag of the product it
    // already ran on.
    const prebuilt = !assembles && shippedProduct !== undefined && shippedProduct !== 'sdk'
      && !context.runs.some((run) => run.shell.some((command) => { const w = values(command.words); return w[0] === 'dotnet' && w[1] === 'publish'; }));
    if (prebuilt && context.stage.base.libc === 'musl') {
      return { refuse: `the app is copied in already built and runs on an Alpine (musl) .NET image; the chiseled images are glibc, and whether the app carries musl-only native parts cannot be read from here: publish it for linux-<arch> (or in an SDK build stage of this Dockerfile) and convert again` };
    }
    const version = (shippedProduct && shippedProduct !== 'sdk' ? context.stage.base.runtimeVersion : undefined) ?? buildChain[0].base.runtimeVersion;
    // Before .NET 8 a runtime identifier implied --self-contained.
    const sdkMajor = Number((buildChain[0].base.runtimeVersion ?? '').split('.')[0]);
    const carriesRuntime = selfContained || (!frameworkDependentStart && facts.ridSpecific && sdkMajor > 0 && sdkMajor < 8);
    const withRuntime = facts.web === false ? 'runtime' : 'aspnet';
    // Keep what the Dockerfile shipped on (it ran there), except runtime-deps under a
    // framework-dependent app: runtime-deps has no .NET runtime, so `dotnet app.dll` or a
    // framework-dependent apphost cannot start on its chiseled tag. Choose when it shipped
    // on the SDK or another image.
    const product = prebuilt ? shippedProduct : shippedProduct && shippedProduct !== 'sdk'
      ? (shippedProduct === 'runtime-deps' && !carriesRuntime ? withRuntime : shippedProduct)
      : carriesRuntime ? 'runtime-deps' : withRuntime;
    const chiseled = dotnetChiseledProductImage(product, version);
    const globalization = chiseled ? globalizationEvidence(context, [...buildRuns, ...context.runs]) : undefined;
    const runtimeImage = chiseled && globalization ? `${chiseled}-extra` : chiseled;
    if (!runtimeImage) {
      return { refuse: `.NET ${version} has no chiseled runtime image (they start with .NET ${DOTNET_FIRST_NOBLE_CHISELED}); move the project to a supported .NET first` };
    }

    if (assembles || prebuilt) {
      // ICU and tzdata are what the -extra image adds, chosen above when the app uses them.
      const packages = installedPackages(context.runs.filter((r) => r.stage === context.stage)).filter((p) => !NOT_NEEDED_AT_RUNTIME.has(p) && !(globalization && GLOBALIZATION_PACKAGES.test(p)));
      if (packages.length > 0) {
        return { refuse: `the shipped stage installs OS packages (${packages.join(', ')}) that the app may load at run time, and a chiseled image has no package manager to add them: drop them if the app does not need them, or copy their files from a build stage, and convert again` };
      }
      const split = Math.max(context.entrypointLength, entryLength);
      return { runtimeImage, fromImage: sameSpelling(context, runtimeImage), replaceShipped: true, copies: [], entrypoint: words.slice(0, split), cmd: words.slice(split), edits: facts.muslEdits };
    }

    const edits: TextEdit[] = [...facts.muslEdits];
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
    const args = words.slice(entry ? entryLength : words.length);
    return {
      runtimeImage,
      replaceShipped: false,
      copies: [`COPY --from=${context.buildName} ${outDir} /app`],
      workdir: '/app',
      entrypoint: (entry && !frameworkDependentStart) || selfContained ? [`/app/${name}`] : ['dotnet', `${name}.dll`],
      cmd: args,
      edits,
      append,
    };
  },
};

/**
 * The new image written as the old FROM wrote it, when only the tag changes: a
 * registry variable (`${IMAGE_REGISTRY}/dotnet/runtime:9.0`) stays a variable.
 */
function sameSpelling(context: LanguageContext, runtimeImage: string): string | undefined {
  const written = imageOf(context.stage.from);
  const resolved = context.stage.resolvedImage;
  if (!written || !resolved || !written.includes('$') || written.includes('@')) return undefined;
  const tag = /:([^:/@]+)$/.exec(written);
  const newTag = /:([^:/@]+)$/.exec(runtimeImage)?.[1];
  if (!tag || tag[1].includes('$') || !newTag) return undefined;
  if (resolved.replace(/:[^:/@]+$/, '') !== runtimeImage.replace(/:[^:/@]+$/, '')) return undefined;
  return `${written.slice(0, tag.index)}:${newTag}`;
}

/** How the build publishes: self-contained or not, for which RID, web or not. */
function publishFacts(context: LanguageContext, runs: RunStep[]): PublishFacts {
  const facts: PublishFacts = { selfContained: false, aot: false, ridSpecific: false, muslEdits: [] };
  for (const run of runs) {
    for (const c of run.commands) {
      if (!DOTNET.test(c[0]) || !['publish', 'build', 'restore'].includes(c[1] ?? '')) continue;
      const rid = flagValue(c, ['-r', '--runtime']);
      if (rid !== undefined || flagValue(c, ['-a', '--arch', '--os']) !== undefined) facts.ridSpecific = true;
      if (c[1] !== 'publish') continue;
      for (let i = 2; i < c.length; i++) {
        const w = c[i];
        if (w === '--self-contained' || w === '--sc') facts.selfContained = c[i + 1] !== 'false';
        else if (w === '--self-contained=true' || w === '--sc=true') facts.selfContained = true;
        else if (w === '--no-self-contained' || /^--s(?:elf-contained|c)=false$/.test(w)) facts.selfContained = false;
        const property = /^(?:-p:|\/p:|--property:|-property:)(\w+)=(\S+)$/i.exec(w);
        if (property && property[2].toLowerCase() === 'true') {
          if (/^(?:SelfContained|PublishSelfContained)$/i.test(property[1])) facts.selfContained = true;
          if (/^PublishAot$/i.test(property[1])) facts.aot = true;
        }
      }
    }
    // A RID written in the RUN text (also through a shell variable set there: `RID=linux-musl-x64`).
    if (/linux-musl-/.test(run.text) && /\bdotnet\s+(?:publish|build|restore)\b/.test(run.text)) {
      facts.ridSpecific = true;
      const start = offsetOf(context.model, run.instruction.getRange().start);
      const raw = rawText(context.model, run.instruction);
      for (const m of raw.matchAll(/linux-musl-/g)) {
        const at = start + (m.index ?? 0);
        facts.muslEdits.push({ range: rangeOf(context.model, at, at + m[0].length), newText: 'linux-' });
      }
    } else {
      const rid = run.commands.map((c) => (DOTNET.test(c[0]) ? flagValue(c, ['-r', '--runtime']) : undefined)).find((r) => r !== undefined);
      if (rid && rid.includes('$')) {
        const name = /\$\{?(\w+)/.exec(rid)?.[1];
        const value = name ? run.stage.env.get(name) ?? argDefault(context, run.stage, name) : undefined;
        if (value && /musl/.test(value)) facts.muslElsewhere = value;
      }
    }
  }
  for (const project of projectFiles(context)) {
    const text = context.workspace?.readFile(project) ?? '';
    if (/<(?:SelfContained|PublishSelfContained)>\s*true\s*</i.test(text)) facts.selfContained = true;
    if (/<PublishAot>\s*true\s*</i.test(text)) facts.aot = true;
    const rid = /<RuntimeIdentifiers?>\s*([^<]*)</i.exec(text)?.[1];
    if (rid) facts.ridSpecific = true;
    if (rid && /musl/.test(rid)) facts.muslElsewhere = rid.trim();
    const sdk = /<Project\s+Sdk="([^"]+)"/i.exec(text)?.[1];
    if (sdk) facts.web = (facts.web ?? false) || /^Microsoft\.NET\.Sdk\.(?:Web|Razor|BlazorWebAssembly)$/i.test(sdk);
  }
  return facts;
}

function argDefault(context: LanguageContext, stage: Stage, name: string): string | undefined {
  for (const i of stage.instructions) {
    if (i.getKeyword() !== 'ARG') continue;
    const m = new RegExp(`^\\s*${name}=(\\S+)`).exec(i.getTextContent().replace(/^\s*ARG\s+/i, ''));
    if (m) return m[1].replace(/^["']|["']$/g, '');
  }
  return context.model.globalArgs.get(name);
}

/** Packages installed by the given RUNs (apt-get/apk/yum/dnf install or add). */
function installedPackages(runs: RunStep[]): string[] {
  const out: string[] = [];
  for (const run of runs) {
    for (const c of run.commands) {
      if (!PACKAGE_INSTALL.test(c[0])) continue;
      const verb = c.findIndex((w) => w === 'install' || w === 'add');
      if (verb < 0) continue;
      for (const w of c.slice(verb + 1)) if (!w.startsWith('-') && !out.includes(w)) out.push(w.replace(/[=<>].*$/, ''));
    }
  }
  return out;
}

function projectFiles(context: LanguageContext): string[] {
  return context.workspace?.findFiles?.(/\.csproj$/, 5) ?? [];
}

function projectOf(context: LanguageContext): { name: string; path: string } | undefined {
  const projects = context.workspace?.findFiles?.(/\.csproj$/, 2) ?? [];
  if (projects.length !== 1) return undefined;
  const path = projects[0].replace(/\\/g, '/');
  const assembly = /<AssemblyName>\s*([^<\s]+)\s*<\/AssemblyName>/.exec(context.workspace?.readFile(projects[0]) ?? '')?.[1];
  return { name: assembly ?? basename(path).replace(/\.csproj$/, ''), path };
}
