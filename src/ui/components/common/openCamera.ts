import { cameraError } from './cameraError.ts';

/**
 * Starts the camera into `video` (640×480 preferred, no audio) and returns its stream;
 * fails with a message a person can act on (no secure context, permission, no camera,
 * camera busy).
 */
export async function openCamera(video: HTMLVideoElement | null): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser gives no camera access here: the page must be served over HTTPS or from localhost.');
  let stream: MediaStream | undefined;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    if (video) {
      video.srcObject = stream;
      await video.play();
    }
    return stream;
  } catch (e) {
    stream?.getTracks().forEach((t) => t.stop());
    throw new Error(cameraError(e), { cause: e });
  }
}
