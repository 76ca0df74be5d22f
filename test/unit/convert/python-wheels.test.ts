/**
 * Pattern 4 of issue 24: a builder moved to the distroless runtime's Python (3.13)
 * while the requirements allow only releases of a compiled package without wheels
 * for it. Such a build fails at pip install, so the conversion is refused naming the
 * requirement; a pin at or past the first release with wheels, a range that reaches
 * it, or a line whose marker excludes the builder converts. Requirements are read as
 * pip reads them: -r includes, --hash options, extras, markers, specifier sets.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluateMarker, requirementLines } from '../../../server/src/engine/testing';
import { conversionCaseTests, type ConversionCase } from './support';

const REQUIREMENTS_DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n';
const CONVERTED = 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD ["app.py"]\n';

/** The refusal for `requirement`, whose first release with cp313 wheels is `first`, on python:3.12-slim. */
function refusal(requirement: string, first: string, from = 'python:3.12-slim'): string {
  return `the build moves from ${from} to python:3.13-slim-trixie (the distroless runtime's Python 3.13), and ${requirement} has no wheels for Python 3.13 (the first release with them is ${first}), so pip install in the stage FROM ${from} would fail: raise the pin to ${first} or later, and convert again`;
}

function converts(name: string, requirements: string, files: Record<string, string> = {}): ConversionCase {
  return { name, dockerfile: REQUIREMENTS_DOCKERFILE, files: { 'requirements.txt': requirements, ...files }, language: 'python', runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot', expected: CONVERTED };
}

function refused(name: string, requirements: string, requirement: string, first: string, files: Record<string, string> = {}): ConversionCase {
  return { name, dockerfile: REQUIREMENTS_DOCKERFILE, files: { 'requirements.txt': requirements, ...files }, refusal: refusal(requirement, first) };
}

const CASES: ConversionCase[] = [
  // Each table entry: the last release without cp313 wheels is refused, the first with them converts.
  refused('numpy==2.0.2 (Python 3.9-3.12) is refused', 'numpy==2.0.2\n', 'numpy==2.0.2', '2.1.0'),
  converts('numpy==2.1.0 converts', 'numpy==2.1.0\n'),
  refused('pandas==2.2.2 is refused', 'pandas==2.2.2\n', 'pandas==2.2.2', '2.2.3'),
  converts('pandas==2.2.3 converts', 'pandas==2.2.3\n'),
  refused('scipy==1.14.0 is refused', 'scipy==1.14.0\n', 'scipy==1.14.0', '1.14.1'),
  converts('scipy==1.14.1 converts', 'scipy==1.14.1\n'),
  refused('scikit-learn==1.5.1 is refused', 'scikit-learn==1.5.1\n', 'scikit-learn==1.5.1', '1.5.2'),
  converts('scikit-learn==1.5.2 converts', 'scikit-learn==1.5.2\n'),
  refused('Pillow==10.3.0 is refused', 'Pillow==10.3.0\n', 'Pillow==10.3.0', '10.4.0'),
  converts('Pillow==10.4.0 (cp313 wheels built against the 3.13 beta) converts', 'Pillow==10.4.0\n'),
  refused('lxml==5.2.2 is refused', 'lxml==5.2.2\n', 'lxml==5.2.2', '5.3.0'),
  converts('lxml==5.3.0 converts', 'lxml==5.3.0\n'),
  refused('psycopg2-binary==2.9.9 is refused', 'psycopg2-binary==2.9.9\n', 'psycopg2-binary==2.9.9', '2.9.10'),
  converts('psycopg2-binary==2.9.10 converts', 'psycopg2-binary==2.9.10\n'),
  refused('torch==2.4.1 is refused', 'torch==2.4.1\n', 'torch==2.4.1', '2.5.0'),
  converts('torch==2.5.0 converts', 'torch==2.5.0\n'),
  refused('tensorflow==2.19.0 is refused', 'tensorflow==2.19.0\n', 'tensorflow==2.19.0', '2.20.0'),
  converts('tensorflow==2.20.0 converts', 'tensorflow==2.20.0\n'),

  // Specifier sets: only upper bounds can exclude the first release with wheels.
  converts('unpinned numpy and a lower bound convert', 'numpy\npandas>=2.1\n'),
  refused('numpy>=1.26,<2 allows only 1.x: refused as written', 'numpy >= 1.26, < 2\n', 'numpy>=1.26,<2', '2.1.0'),
  converts('numpy<=2.1.0 reaches 2.1.0: converts', 'numpy<=2.1.0\n'),
  refused('numpy<2.1 stops before 2.1.0: refused', 'numpy<2.1\n', 'numpy<2.1', '2.1.0'),
  converts('numpy==2.* reaches 2.1: converts', 'numpy==2.*\n'),
  refused('numpy==2.0.* stays in 2.0: refused', 'numpy==2.0.*\n', 'numpy==2.0.*', '2.1.0'),
  converts('numpy~=2.0 allows 2.1: converts', 'numpy~=2.0\n'),
  refused('numpy~=1.26.0 stays in 1.26: refused', 'numpy~=1.26.0\n', 'numpy~=1.26.0', '2.1.0'),
  converts('numpy!=1.26.4 excludes one release only: converts', 'numpy!=1.26.4\n'),
  refused('Scikit_Learn==1.5.1: names are normalised as pip does', 'Scikit_Learn==1.5.1\n', 'Scikit_Learn==1.5.1', '1.5.2'),
  converts('a package the table does not list (numpy-financial, tensorflow-cpu) is not judged', 'numpy-financial==1.0.0\ntorchvision==0.19.1\ntensorflow-cpu==2.17.0\n'),

  // Lines as pip reads them.
  refused('extras: tensorflow[and-cuda]==2.17.0 is refused', 'tensorflow[and-cuda]==2.17.0\n', 'tensorflow[and-cuda]==2.17.0', '2.20.0'),
  refused('hashes (pip-compile --generate-hashes) over continued lines: the pin is read, the hashes are not', 'numpy==1.26.4 \\\n    --hash=sha256:03a8c78d01d9781b28a6989f6fa1bb2c4f2d51201cf99d3dd875df6fbd96b23b \\\n    --hash=sha256:08beddf13648eb95f8d867350f6a018a4be2e5ad54c8d8caed89ebca558b2818\n    # via pandas\n', 'numpy==1.26.4', '2.1.0'),
  converts('hashed pins with wheels convert', 'numpy==2.1.3 \\\n    --hash=sha256:016d0f6f5e77b0f0d45d77387ffa4bb89816b57c835580c3ce8e099ef830befe\n'),
  refused('-r includes are followed', '-r base.txt\nflask==3.0.3\n', 'pandas==2.1.4', '2.2.3', { 'base.txt': 'pandas==2.1.4\n' }),
  refused('--requirement=... includes resolve against the including file', '--requirement=requirements/prod.txt\n', 'torch==2.4.1', '2.5.0', { 'requirements/prod.txt': '-r base.txt\n', 'requirements/base.txt': 'torch==2.4.1  # cpu\n' }),
  converts('an include cycle ends', '-r requirements.txt\nnumpy==2.1.3\n'),
  converts('a marker that excludes the builder: the old pin is skipped, the new one has wheels', 'numpy==1.26.4; python_version < "3.13"\nnumpy==2.1.3; python_version >= "3.13"\n'),
  converts('python_full_version < "3.13" excludes every 3.13.x', 'numpy==1.26.4 ; python_full_version < "3.13"\n'),
  refused('a marker that holds on the builder (sys_platform == "linux") keeps the line', 'tensorflow==2.17.0; sys_platform == "linux"\n', 'tensorflow==2.17.0', '2.20.0'),
  refused('a marker the builder cannot decide (its machine) may install the line: refused', 'tensorflow==2.17.0; platform_machine == "x86_64"\n', 'tensorflow==2.17.0', '2.20.0'),
  converts('a marker for another system (Windows) skips the line', 'torch==2.4.1; sys_platform == "win32"\n'),
  {
    name: 'pyproject.toml dependencies are read',
    dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "app"]\n',
    files: { 'pyproject.toml': '[project]\nname = "app"\ndependencies = [\n  "scipy==1.13.1",  # pinned for the solver\n  "requests>=2",\n]\n' },
    refusal: refusal('scipy==1.13.1', '1.14.1', 'python:3.11-slim'),
  },
  {
    name: 'pyproject.toml optional dependencies are not what pip install . installs: not judged',
    dockerfile: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "app"]\n',
    files: { 'pyproject.toml': '[project]\nname = "app"\ndependencies = ["requests>=2"]\n\n[project.optional-dependencies]\ngpu = ["tensorflow==2.17.0"]\n' },
    language: 'python',
    runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
    expected: 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "app"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD ["-m", "app"]\n',
  },
  {
    name: 'a pin named on the pip command line is read',
    dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir "torch==2.4.1" flask\nCMD ["python", "serve.py"]\n',
    refusal: refusal('torch==2.4.1', '2.5.0', 'python:3.12'),
  },
  {
    name: 'a builder already on Python 3.13 keeps its Python: nothing to judge',
    dockerfile: 'FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    files: { 'requirements.txt': 'numpy==1.26.4\n' },
    language: 'python',
    runtimeImage: 'gcr.io/distroless/python3-debian13:nonroot',
    expected: 'FROM python:3.13-slim-trixie AS build\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY --from=build /usr/local/lib/python3.13/site-packages /usr/local/lib/python3.13/site-packages\nCOPY --from=build /app /app\nENV PYTHONPATH=/usr/local/lib/python3.13/site-packages\nCMD ["app.py"]\n',
  },
];

conversionCaseTests('python wheels', CASES);

const MARKERS: [string, boolean | undefined][] = [
  ['python_version < "3.13"', false],
  ['python_version >= "3.13"', true],
  ['"3.13" > python_version', false],
  ['python_version == "3.*"', true],
  ['python_version != "3.13"', false],
  ['python_full_version >= "3.13.0"', true],
  ['python_full_version < "3.13.2"', undefined],
  ['sys_platform == "linux" and python_version >= "3.9"', true],
  ['sys_platform == "win32" or sys_platform == "darwin"', false],
  ['platform_machine == "x86_64"', undefined],
  ['platform_machine == "x86_64" and sys_platform == "win32"', false],
  ['platform_machine == "aarch64" or python_version >= "3.10"', true],
  ['(python_version < "3.10" or sys_platform == "darwin") and extra == "gpu"', false],
  ['"linux" in sys_platform', true],
  ['python_version <', undefined],
];

for (const [marker, expected] of MARKERS) {
  test(`python wheels: marker ${marker} on the builder is ${expected}`, () => {
    assert.equal(evaluateMarker(marker), expected);
  });
}

test('python wheels: requirement lines join continuations, drop options and comments, read [project] dependencies of TOML', () => {
  const files: Record<string, string> = { 'dev/base.txt': 'six==1.16.0 --config-settings=x=y\n' };
  assert.deepEqual(
    requirementLines([
      { text: 'a==1 \\\n  --hash=sha256:ff # via b\n# comment\n--index-url https://example.org/simple\n-r dev/base.txt\nc[x]>=2; python_version < "4"\n', path: 'requirements.txt' },
      { text: '[build-system]\nrequires = ["setuptools>=61"]\n[project]\ndependencies = ["d==3", \'e[x]<4\']  # pinned\n[project.optional-dependencies]\ngpu = ["g==1"]\n', path: 'pyproject.toml' },
      { text: 'f~=1.2' },
    ], (path) => files[path]),
    ['a==1', 'six==1.16.0', 'c[x]>=2; python_version < "4"', 'd==3', 'e[x]<4', 'f~=1.2'],
  );
});
