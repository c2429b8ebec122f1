/* The camera scanner (the vendored qr-scanner, a classic script that defines window.QrScanner), the
   repeat guard, and camera problems told in words a volunteer can act on. */

const REPEAT_MS = 2000; // the camera sees the same code many times a second

/** Lets a text through once while it stays in front of the camera (seen again within ``windowMs``). */
export class RepeatGuard {
  constructor(windowMs = REPEAT_MS) {
    this.windowMs = windowMs;
    this.recent = null;
  }

  /** True for a new scan; false for the same text seen again within the window (which extends it). */
  accept(text, now = Date.now()) {
    if (this.recent && this.recent.text === text && now - this.recent.at < this.windowMs) {
      this.recent.at = now;
      return false;
    }
    this.recent = { text, at: now };
    return true;
  }
}

/** "denied", "missing", "busy" or "" for an error of getUserMedia or qr-scanner. */
export function cameraErrorKind(e) {
  const name = String((e && e.name) || e || "");
  if (/NotAllowed|Permission|Security/i.test(name)) return "denied";
  if (/NotFound|Overconstrained|DevicesNotFound|no camera/i.test(name)) return "missing";
  if (/NotReadable|TrackStart|AbortError/i.test(name)) return "busy";
  return "";
}

/** qr-scanner reports every failure as "Camera not found.": ask the browser once more for the reason. */
async function probeCamera(original, nav) {
  if (!nav.mediaDevices || !nav.mediaDevices.getUserMedia) return { name: "NotFoundError" };
  try {
    const stream = await nav.mediaDevices.getUserMedia({ video: true, audio: false });
    stream.getTracks().forEach((track) => track.stop());
    return original;
  } catch (e) {
    return e;
  }
}

/**
 * @param video     the <video> element
 * @param onScan    called with each new text (repeats filtered out)
 * @param onProblem called with ``kind`` ("denied", "missing", "busy", "" for anything else)
 */
export function createScanner({ video, onScan, onProblem, win = globalThis }) {
  const guard = new RepeatGuard();
  let scanner = null;

  async function start() {
    if (!win.QrScanner) { onProblem(""); return; }
    if (!scanner) {
      scanner = new win.QrScanner(video, (result) => { if (guard.accept(result.data)) onScan(result.data); }, {
        returnDetailedScanResult: true,
        preferredCamera: "environment",
        maxScansPerSecond: 8,
        onDecodeError: () => {},
      });
    }
    try {
      await scanner.start();
    } catch (e) {
      const problem = cameraErrorKind(e) ? e : await probeCamera(e, win.navigator);
      onProblem(cameraErrorKind(problem));
    }
  }

  function stop() {
    if (scanner) scanner.stop();
  }

  /** The text of the QR code in an image file; throws when there is none. */
  async function scanImage(file) {
    const result = await win.QrScanner.scanImage(file, { returnDetailedScanResult: true });
    return result.data;
  }

  return { start, stop, scanImage };
}
