/**
 * A fake SPI bus with an MFRC522 chip model behind it, enough for the real mfrc522-rpi code to
 * run its request / anticollision / select sequences: the register file, the 64-byte FIFO,
 * set/clear semantics of the interrupt registers, the CRC coprocessor (CRC_A), and Transceive
 * started by BitFramingReg.StartSend, answered by one ISO 14443-A card (4-byte UID).
 *
 * The card is described by a SharedArrayBuffer so a test on the main thread can put a card on
 * the reader or take it away while the worker polls. Test-only code.
 */

const REG = {
  Command: 0x01,
  CommIrq: 0x04,
  DivIrq: 0x05,
  Error: 0x06,
  FIFOData: 0x09,
  FIFOLevel: 0x0a,
  Control: 0x0c,
  BitFraming: 0x0d,
  CRCResultM: 0x21,
  CRCResultL: 0x22,
  Version: 0x37,
} as const;
const CMD_IDLE = 0x00;
const CMD_CALC_CRC = 0x03;
const CMD_TRANSCEIVE = 0x0c;
const CMD_SOFT_RESET = 0x0f;
const IRQ_TIMER = 0x01;
const IRQ_RX_AND_IDLE = 0x30;
const DIV_IRQ_CRC = 0x04;
const FIFO_BYTES = 64;

/** Layout of the shared card slot (Int32Array). */
export const CARD_SLOT = { present: 0, mode: 1, uid: 2 } as const;
export const CARD_MODE = { normal: 0, badBcc: 1, busFault: 2 } as const;
export const CARD_SLOT_INTS = 6;

export function crcA(bytes: readonly number[]): [number, number] {
  let crc = 0x6363;
  for (const value of bytes) {
    let byte = (value ^ (crc & 0xff)) & 0xff;
    byte = (byte ^ (byte << 4)) & 0xff;
    crc = ((crc >> 8) ^ (byte << 8) ^ (byte << 3) ^ (byte >> 4)) & 0xffff;
  }
  return [crc & 0xff, crc >> 8];
}

export class FakeMfrc522Spi {
  readonly registers = new Uint8Array(64);
  private fifo: number[] = [];
  private readonly slot: Int32Array;
  transceiveCount = 0;

  constructor(cardSlot: SharedArrayBuffer) {
    this.slot = new Int32Array(cardSlot);
    this.softReset();
  }

  open(): void {}
  close(): void {}

  /** mfrc522-rpi writes `[(addr << 1) & 0x7e, value]`. */
  write(data: Uint8Array): void {
    this.writeRegister((data[0]! >> 1) & 0x3f, data[1]!);
  }

  /** mfrc522-rpi reads with `[((addr << 1) & 0x7e) | 0x80, 0]` and uses byte 1 of the answer. */
  transfer(data: Uint8Array): Uint8Array {
    const address = (data[0]! >> 1) & 0x3f;
    if ((data[0]! & 0x80) === 0) {
      this.writeRegister(address, data[1]!);
      return new Uint8Array(2);
    }
    return Uint8Array.from([0, this.readRegister(address)]);
  }

  private card(): { uid: number[]; badBcc: boolean } | undefined {
    if (Atomics.load(this.slot, CARD_SLOT.mode) === CARD_MODE.busFault) throw new Error('fake SPI bus fault');
    if (Atomics.load(this.slot, CARD_SLOT.present) !== 1) return undefined;
    const uid = [0, 1, 2, 3].map((index) => Atomics.load(this.slot, CARD_SLOT.uid + index) & 0xff);
    return { uid, badBcc: Atomics.load(this.slot, CARD_SLOT.mode) === CARD_MODE.badBcc };
  }

  private softReset(): void {
    this.registers.fill(0);
    this.registers[REG.Version] = 0x92;
    this.fifo = [];
  }

  private readRegister(address: number): number {
    if (address === REG.FIFOData) return this.fifo.shift() ?? 0;
    if (address === REG.FIFOLevel) return this.fifo.length;
    return this.registers[address]!;
  }

  private writeRegister(address: number, value: number): void {
    switch (address) {
      case REG.CommIrq:
      case REG.DivIrq:
        // Bit 7 (Set1) chooses whether the marked bits are set or cleared.
        this.registers[address] = value & 0x80 ? this.registers[address]! | (value & 0x7f) : this.registers[address]! & ~(value & 0x7f);
        return;
      case REG.FIFOData:
        if (this.fifo.length < FIFO_BYTES) this.fifo.push(value);
        return;
      case REG.FIFOLevel:
        if (value & 0x80) this.fifo = [];
        return;
      case REG.Command:
        return this.command(value & 0x0f);
      case REG.BitFraming:
        this.registers[address] = value & 0x7f;
        if (value & 0x80 && this.registers[REG.Command] === CMD_TRANSCEIVE) this.transceive();
        return;
      default:
        this.registers[address] = value;
    }
  }

  private command(command: number): void {
    if (command === CMD_SOFT_RESET) return this.softReset();
    this.registers[REG.Command] = command;
    if (command === CMD_CALC_CRC) {
      const [low, high] = crcA(this.fifo.splice(0));
      this.registers[REG.CRCResultL] = low;
      this.registers[REG.CRCResultM] = high;
      this.registers[REG.DivIrq]! |= DIV_IRQ_CRC;
      this.registers[REG.Command] = CMD_IDLE;
    }
  }

  /** Sends the FIFO to the card in the field and puts its answer in the FIFO. */
  private transceive(): void {
    this.transceiveCount += 1;
    const frame = this.fifo.splice(0);
    const answer = this.answer(frame, this.registers[REG.BitFraming]! & 0x07);
    this.registers[REG.Error] = 0;
    this.registers[REG.Control] = 0; // RxLastBits = 0: whole bytes
    if (!answer) {
      this.registers[REG.CommIrq]! |= IRQ_TIMER; // no answer: the timer runs out
      return;
    }
    this.fifo = answer;
    this.registers[REG.CommIrq]! |= IRQ_RX_AND_IDLE;
  }

  private answer(frame: number[], txLastBits: number): number[] | undefined {
    const card = this.card();
    if (!card) return undefined;
    if (frame.length === 1 && txLastBits === 7 && (frame[0] === 0x26 || frame[0] === 0x52)) return [0x04, 0x00]; // ATQA
    const bcc = card.uid.reduce((xor, byte) => xor ^ byte, 0) ^ (card.badBcc ? 0xff : 0);
    if (frame.length === 2 && frame[0] === 0x93 && frame[1] === 0x20) return [...card.uid, bcc];
    if (frame.length === 9 && frame[0] === 0x93 && frame[1] === 0x70) {
      const [low, high] = crcA(frame.slice(0, 7));
      if (frame[7] !== low || frame[8] !== high || frame.slice(2, 6).some((byte, index) => byte !== card.uid[index])) return undefined;
      return [0x08, ...crcA([0x08])]; // SAK 08: MIFARE Classic 1K
    }
    return undefined;
  }
}

/** Entry point for the RC522 worker's test seam (`spiModuleUrl`). */
export function createSpi(options: unknown): FakeMfrc522Spi {
  const cardSlot = (options as { cardSlot?: unknown } | undefined)?.cardSlot;
  if (!(cardSlot instanceof SharedArrayBuffer)) throw new TypeError('the fake SPI needs { cardSlot: SharedArrayBuffer }');
  return new FakeMfrc522Spi(cardSlot);
}

/** Puts a card with `uid` on the fake reader, or takes it away (`uid` undefined). */
export function setCard(cardSlot: SharedArrayBuffer, uid: readonly number[] | undefined, mode: number = CARD_MODE.normal): void {
  const slot = new Int32Array(cardSlot);
  if (uid) {
    uid.forEach((byte, index) => Atomics.store(slot, CARD_SLOT.uid + index, byte));
    Atomics.store(slot, CARD_SLOT.mode, mode);
  }
  Atomics.store(slot, CARD_SLOT.present, uid ? 1 : 0);
}
