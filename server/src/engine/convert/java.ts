/**
 * Java: ships the runnable jar on java<N>-debian13, whose ENTRYPOINT is
 * `java -jar`; CMD is the jar path and JVM options move to JAVA_TOOL_OPTIONS.
 */
import { interpreterWords, suggestedDistrolessImage } from '../imageFacts';
import { resolvePath } from '../stages';
import { argumentFileCopies } from './common';
import type { LanguageContext, LanguageConverter, PlanResult } from './types';

const JAVA = interpreterWords('java') as RegExp;

export const javaConverter: LanguageConverter = {
  language: 'java',
  plan(context): PlanResult {
    const words = context.start;
    const jarAt = words.indexOf('-jar');
    if (words.length === 0 || !JAVA.test(words[0]) || jarAt < 0 || jarAt + 1 >= words.length) {
      return { refuse: `the start command ${words.length > 0 ? `"${words.join(' ')}"` : '(none)'} does not run a jar with java -jar, so the artifact to ship is unknown: package a runnable jar, start it with java -jar <file>.jar and convert again` };
    }
    const jvmOptions = words.slice(1, jarAt);
    const jar = words[jarAt + 1];
    const args = words.slice(jarAt + 2);
    const jarPath = resolvePath(jar, context.workdir);
    const copied = context.copiedFrom(jarPath);
    const buildStage = copied ? copied.stage : context.chain[0];
    const version = buildStage.base.runtimeVersion ?? context.chain[0].base.runtimeVersion ?? javaVersionFromFiles(context);
    const runtimeImage = suggestedDistrolessImage('java', version, context.distrolessRegistry);
    const env = jvmOptions.length > 0 ? [`ENV JAVA_TOOL_OPTIONS=${JSON.stringify(jvmOptions.join(' '))}`] : [];
    if (copied && !context.stage.parent) {
      return { runtimeImage, replaceShipped: true, copies: [], env, cmd: [jar, ...args] };
    }
    return {
      runtimeImage,
      replaceShipped: false,
      copies: [`COPY --from=${context.buildName} ${jarPath} /app/app.jar`, ...argumentFileCopies(context, args, ['/app/app.jar'])],
      env,
      cmd: ['/app/app.jar', ...args],
    };
  },
};

/** The Java release the build targets, from pom.xml or build.gradle. */
function javaVersionFromFiles(context: LanguageContext): string | undefined {
  const pom = context.workspace?.readFile('pom.xml');
  const fromPom = pom && /<(?:maven\.compiler\.release|maven\.compiler\.target|java\.version|release)>\s*(?:1\.)?(\d+)\s*</.exec(pom)?.[1];
  if (fromPom) return fromPom;
  const gradle = context.workspace?.readFile('build.gradle') ?? context.workspace?.readFile('build.gradle.kts');
  return gradle ? /(?:languageVersion(?:\.set)?\s*[=(]\s*JavaLanguageVersion\.of\(|JavaVersion\.VERSION_(?:1_)?|sourceCompatibility\s*=\s*['"]?(?:1\.)?)(\d+)/.exec(gradle)?.[1] : undefined;
}
