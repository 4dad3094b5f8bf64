import { access, constants, open } from 'node:fs/promises';

/**
 * A printer device file (`/dev/usb/lp0`, `/dev/ttyUSB0` behind a serial printer) as a
 * node-thermal-printer interface object. The library's own file interface is not used because
 * it calls fs.writeFile: with the printer unplugged that *creates* a regular file at the
 * device path (which then looks like a connected printer forever) and it keeps retrying a
 * failed write in the background for minutes, long after reporting the failure.
 * This one never creates the path, appends, and fails at once when the device is not there.
 */
export class DeviceFileInterface {
  constructor(readonly path: string) {}

  getPrinterName(): string {
    return this.path;
  }

  async isPrinterConnected(): Promise<boolean> {
    try {
      await access(this.path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  async execute(buffer: Buffer): Promise<string> {
    // No O_CREAT: a missing device is ENOENT, not a new file. O_APPEND keeps regular files
    // (used in tests and for capturing print data) in order; devices ignore it.
    const handle = await open(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY);
    try {
      let written = 0;
      while (written < buffer.length) {
        const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
        written += bytesWritten;
      }
      return 'Print done';
    } finally {
      await handle.close();
    }
  }
}
