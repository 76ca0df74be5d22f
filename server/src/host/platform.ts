/**
 * The platform a local `docker build` targets by default: Linux on this machine's CPU
 * (Docker Desktop runs a Linux VM of the host's architecture). Fills $TARGETARCH and
 * BuildKit's other automatic platform ARGs when the rules resolve FROM.
 */
const ARCH: Partial<Record<string, string>> = {
  x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64',
};

export function hostPlatform(arch: string = process.arch): string | undefined {
  const docker = ARCH[arch];
  return docker ? `linux/${docker}` : undefined;
}
