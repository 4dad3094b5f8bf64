/**
 * EPSON `GS v 0` raster from RGBA pixels with node-thermal-printer's rule (opaque and
 * luminance below 128 is black), written with typed arrays. The driver prints through the
 * library; this codec exists to check the library's bytes in tests and as the measured
 * alternative in the benchmark (the library builds one object per pixel, which is slow on a Pi).
 */
export function encodeGsV0(rgba: Uint8Array | Uint8ClampedArray, widthDots: number, heightDots: number): Buffer {
  const bytesPerRow = Math.ceil(widthDots / 8);
  const out = Buffer.alloc(8 + bytesPerRow * heightDots);
  out.set([0x1d, 0x76, 0x30, 0x30, bytesPerRow & 0xff, (bytesPerRow >> 8) & 0xff, heightDots & 0xff, (heightDots >> 8) & 0xff]);
  for (let row = 0; row < heightDots; row += 1) {
    for (let column = 0; column < widthDots; column += 1) {
      const index = (row * widthDots + column) * 4;
      const alpha = rgba[index + 3] ?? 0;
      if (alpha <= 126) continue;
      const luminance = Math.trunc(0.2126 * (rgba[index] ?? 0) + 0.7152 * (rgba[index + 1] ?? 0) + 0.0722 * (rgba[index + 2] ?? 0));
      if (luminance < 128) out[8 + row * bytesPerRow + (column >> 3)]! |= 0x80 >> (column & 7);
    }
  }
  return out;
}
