/** Photos from the phone's camera: big ones are scaled down on a canvas before they are queued and uploaded. */
import { scaledSize } from './logic';

/** Smaller files are kept as they are. */
const KEEP_BELOW_BYTES = 600 * 1024;

export interface Photo {
  name: string;
  type: string;
  blob: Blob;
}

/** A JPEG of at most MAX_SIDE pixels a side; the original when it is small already or cannot be decoded here. */
export async function downscale(file: File): Promise<Photo> {
  const original: Photo = { name: file.name, type: file.type || 'image/jpeg', blob: file };
  if (file.size <= KEEP_BELOW_BYTES || typeof createImageBitmap !== 'function') return original;
  try {
    const bitmap = await createImageBitmap(file);
    const size = scaledSize(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || blob.size >= file.size) return original;
    return { name: file.name.replace(/\.[^.]*$/, '') + '.jpg', type: 'image/jpeg', blob };
  } catch {
    // HEIC and friends the browser cannot draw: the server takes them as they are
    return original;
  }
}
