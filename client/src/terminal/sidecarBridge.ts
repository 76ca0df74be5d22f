/**
 * A sidecar session shaped as a VS Code Pseudoterminal (open, close,
 * handleInput, setDimensions, onDidWrite, onDidClose) without importing
 * vscode: sidecarTerminal.ts hands it to createTerminal, tests drive it
 * against a real sidecar.
 */
import { StringDecoder } from 'string_decoder';
import type { SidecarEnd, SidecarSession } from '../../../server/src/docker';
import { Disposable, Emitter } from './events';

export interface TerminalDimensions {
  readonly columns: number;
  readonly rows: number;
}

export interface SidecarBridgeOptions {
  /** Opens the sidecar, sized to the terminal (VS Code knows the size only once the terminal opens). */
  start(dimensions: TerminalDimensions | undefined): Promise<SidecarSession>;
  /** Shown while the sidecar starts (cleanup, create, attach, file access probe). */
  startingText?: string;
  onSession?(session: SidecarSession): void;
  /** The sidecar could not start; the terminal shows the message too. */
  onStartError?(error: unknown): void;
  /** The sidecar ended without the user closing the terminal. */
  onEnd?(end: SidecarEnd): void;
  /** The terminal is finished (closed by the user, or asked to close): nothing more to clean up. */
  onDone?(): void;
}

const DIM = '\x1b[2m';
const YELLOW = '\x1b[33m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
export const PRESS_ANY_KEY = 'Press any key to close this terminal.';

/** Terminals want CRLF; messages are written with LF. */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export class SidecarBridge {
  private readonly writeEmitter = new Emitter<string>();
  private readonly closeEmitter = new Emitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private session: SidecarSession | undefined;
  private starting: Promise<SidecarSession | undefined> | undefined;
  private dataSubscription: Disposable | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private dimensions: TerminalDimensions | undefined;
  private userClosed = false;
  /** Ended with a message the user should read: the next key press closes the terminal. */
  private waitingForKey = false;
  private closedFired = false;
  private detached = false;

  constructor(private readonly options: SidecarBridgeOptions) {}

  get isDetached(): boolean {
    return this.detached;
  }

  get currentSession(): SidecarSession | undefined {
    return this.session;
  }

  open(initialDimensions: TerminalDimensions | undefined): void {
    this.dimensions = initialDimensions;
    if (this.options.startingText) this.write(`${DIM}${this.options.startingText}${RESET}\n`);
    this.starting = this.options.start(initialDimensions).then(
      (session) => this.attach(session),
      (err: unknown) => {
        this.write(`${RED}${err instanceof Error ? err.message : String(err)}${RESET}\n`);
        this.endWithMessage();
        this.options.onStartError?.(err);
        return undefined;
      },
    );
  }

  /**
   * Lets go of the session without stopping it: the next close() (the terminal
   * being disposed) leaves the sidecar running, and its output is held by the
   * session until another bridge attaches (reconnect from the Containers view).
   * False when there is no running session to keep.
   */
  detach(): boolean {
    if (!this.session || this.userClosed || this.closedFired) return false;
    this.detached = true;
    this.dataSubscription?.dispose();
    this.dataSubscription = undefined;
    return true;
  }

  /** The user closed the terminal: stop and remove the sidecar (unless detached). Resolves once it is gone. */
  async close(): Promise<void> {
    this.userClosed = true;
    this.options.onDone?.();
    const session = this.session ?? (await this.starting);
    this.dataSubscription?.dispose();
    if (session && !this.detached) await session.close();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(data: string): void {
    if (this.waitingForKey) {
      this.fireClose(undefined);
      return;
    }
    // Typing before the shell exists is dropped, as in any terminal whose process has not started.
    if (this.session && !this.userClosed) this.session.write(data);
  }

  setDimensions(dimensions: TerminalDimensions): void {
    this.dimensions = dimensions;
    this.session?.resize(dimensions.columns, dimensions.rows).catch(() => undefined);
  }

  private attach(session: SidecarSession): SidecarSession {
    this.session = session;
    if (this.userClosed) {
      // Closed while starting: close() is awaiting `starting` and removes it.
      return session;
    }
    this.options.onSession?.(session);
    // The terminal may have been resized while the sidecar started.
    if (this.dimensions) session.resize(this.dimensions.columns, this.dimensions.rows).catch(() => undefined);
    this.dataSubscription = session.onData((data) => {
      const text = this.decoder.write(data);
      if (text) this.writeEmitter.fire(text);
    });
    void session.ended.then((end) => this.onEnded(end));
    return session;
  }

  private onEnded(end: SidecarEnd): void {
    if (this.detached) return;
    this.dataSubscription?.dispose();
    const rest = this.decoder.end();
    if (rest) this.writeEmitter.fire(rest);
    if (this.userClosed) return;
    this.options.onEnd?.(end);
    if (end.reason === 'exited') {
      // The shell exited (the user typed exit): close like any terminal whose process ended.
      this.fireClose(end.exitCode);
      return;
    }
    // Target stopped or the engine failed: keep the terminal so the message can be read.
    this.write(`\n${YELLOW}${end.message}${RESET}\n`);
    this.endWithMessage();
  }

  private endWithMessage(): void {
    this.write(`${DIM}${PRESS_ANY_KEY}${RESET}\n`);
    this.waitingForKey = true;
  }

  private write(text: string): void {
    this.writeEmitter.fire(crlf(text));
  }

  private fireClose(code: number | undefined): void {
    if (this.closedFired) return;
    this.closedFired = true;
    this.options.onDone?.();
    this.closeEmitter.fire(code);
  }
}
