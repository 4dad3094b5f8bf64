import { createCanvas } from '@napi-rs/canvas';
import { rasterToRgba, type RasterImage } from '../escpos/escpos-parser.js';

/** A printed raster as a PNG: what the customer would hold in their hand. */
export function rasterToPng(image: RasterImage): Buffer {
  const canvas = createCanvas(image.widthDots, image.heightDots);
  const context = canvas.getContext('2d');
  const imageData = context.createImageData(image.widthDots, image.heightDots);
  imageData.data.set(rasterToRgba(image));
  context.putImageData(imageData, 0, 0);
  return canvas.toBuffer('image/png');
}
