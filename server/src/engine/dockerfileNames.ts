/** The file names the extension associates with the dockerfile language (package.json `languages`). */
export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)$/i.test(name) || /\.dockerfile$/i.test(name) || /^(Dockerfile|Containerfile)\.[^/]+$/i.test(name);
}
