/**
 * A shipped stage already on a Chainguard image is not converted to gcr.io/distroless:
 * the refusal says it is a minimal Chainguard image, names which, and how to ship it
 * without a shell the Chainguard way. A Chainguard builder does not stop a conversion.
 */
import { conversionCaseTests, type ConversionCase } from './support';


const CASES: ConversionCase[] = [
  {
    "name": "The Go toolchain image cgr.dev/chainguard/go shipped: refused as already a minimal Chainguard image, with the runtime to copy onto",
    "dockerfile": "FROM cgr.dev/chainguard/go\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nCMD [\"./server\"]\n",
    "refusal": "the shipped stage runs on cgr.dev/chainguard/go, which is already a minimal Chainguard image (Chainguard's go image, which includes a shell), and the converter moves only general-purpose images to distroless: to ship without a shell, copy the built artifact onto cgr.dev/chainguard/static in a last stage"
  },
  {
    "name": "A Chainguard image at the registry's top level (cgr.dev/go): the runtime named has no empty path part",
    "dockerfile": "FROM cgr.dev/go\nCOPY . .\nRUN go build -o /app\nENTRYPOINT [\"/app\"]\n",
    "refusal": "the shipped stage runs on cgr.dev/go, which is already a minimal Chainguard image (Chainguard's go image, which includes a shell), and the converter moves only general-purpose images to distroless: to ship without a shell, copy the built artifact onto cgr.dev/static in a last stage"
  },
  {
    "name": "A -dev tag of a shell-less Chainguard image: refused, naming the standard tag",
    "dockerfile": "FROM cgr.dev/chainguard/python:latest-dev\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "refusal": "the shipped stage runs on cgr.dev/chainguard/python:latest-dev, the -dev variant of Chainguard's minimal python image (it adds a shell and apk): use the standard tag without -dev, which has neither, instead of converting"
  },
  {
    "name": "A private Chainguard organization keeps its organization in the suggestion",
    "dockerfile": "FROM cgr.dev/my-org/rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/app\"]\n",
    "refusal": "the shipped stage runs on cgr.dev/my-org/rust:1.80, which is already a minimal Chainguard image (Chainguard's rust image, which includes a shell), and the converter moves only general-purpose images to distroless: to ship without a shell, copy the built artifact onto cgr.dev/my-org/glibc-dynamic in a last stage"
  },
  {
    "name": "A Chainguard image the facts table does not list: refused, no shell claimed",
    "dockerfile": "FROM cgr.dev/chainguard/maven:latest\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
    "refusal": "the shipped stage runs on cgr.dev/chainguard/maven:latest, which is already a minimal Chainguard image (Chainguard's maven image), and the converter moves only general-purpose images to distroless: to ship without a shell, copy the built artifact onto a shell-less Chainguard image (static, glibc-dynamic, jre, node, python) in a last stage"
  },
  {
    "name": "cgr.dev/chainguard/go as the builder only: the Debian shipped stage converts",
    "dockerfile": "FROM cgr.dev/chainguard/go AS build\nWORKDIR /work\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /work/hello .\n\nFROM debian:trixie-slim\nCOPY --from=build /work/hello /usr/local/bin/hello\nCMD [\"/usr/local/bin/hello\"]\n",
    "language": "go",
    "runtimeImage": "gcr.io/distroless/static-debian13:nonroot",
    "expected": "FROM cgr.dev/chainguard/go AS build\nWORKDIR /work\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /work/hello .\n\n# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).\nFROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /work/hello /usr/local/bin/hello\nENTRYPOINT [\"/usr/local/bin/hello\"]\n"
  }
];

conversionCaseTests('convert on Chainguard', CASES);
