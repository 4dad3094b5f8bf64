import type { EventEmitter } from 'node:events';

/**
 * The thin transport: just enough typing over nfc-pcsc (which ships no types) for the driver,
 * plus the fix for its `this.emit(err)` calls. Loaded lazily so that a kiosk without PC/SC
 * never loads the pcsclite binding.
 */
export interface NfcCard {
  atr?: Buffer;
  standard?: string;
}

export interface NfcReader extends EventEmitter {
  readonly name: string;
  autoProcessing: boolean;
  transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
  close(): void;
}

export interface NfcService extends EventEmitter {
  close(): void;
}

export type NfcConstructor = new () => NfcService;

/** Loads nfc-pcsc's NFC class; throws a sentence a technician can act on when it is missing. */
export async function loadNfc(): Promise<NfcConstructor> {
  const specifier = 'nfc-pcsc'; // a variable: the package has no type declarations
  let module: { NFC?: NfcConstructor; default?: { NFC?: NfcConstructor } };
  try {
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    throw new Error(`nfc-pcsc cannot be loaded (${(error as Error).message}); it is an optional npm dependency that needs libpcsclite-dev to build`);
  }
  const NFC = module.NFC ?? module.default?.NFC;
  if (typeof NFC !== 'function') throw new Error('nfc-pcsc has no NFC export: wrong version installed?');
  return NFC;
}

/**
 * nfc-pcsc's Reader reports connect and disconnect failures as `this.emit(err)`, with the
 * error object as the event name, so they vanish. Route them to `onFailure` instead.
 */
export function trapErrorEmits(reader: NfcReader, onFailure: (error: Error) => void): void {
  const emit = reader.emit.bind(reader);
  reader.emit = ((event: string | symbol | Error, ...args: unknown[]): boolean => {
    if (event instanceof Error) {
      onFailure(event);
      return true;
    }
    return emit(event, ...args);
  }) as typeof reader.emit;
}
