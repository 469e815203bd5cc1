// ImageMetadata.DateTimeCreated as the service reads it from an upload's bytes: the capture wall
// clock without a zone ("2019-08-04T11:28:12", API-NOTES §4), and '' when the content records none.
import { readCaptureDate } from '../library/capture-date.ts';
import { formatWallClock } from '../library/wall-clock.ts';

// An mvhd creation time is an instant (UTC by the specification) that says nothing of where it was
// taken. The service is taken to show it as the UTC clock, as tools that read the header without a
// zone do: smugcli compares a video's metadata dates with hachoir's naive UTC values (API-NOTES §8.1).
const ZONE_FOR_INSTANTS = 'UTC';

export async function dateTimeCreated(path: string): Promise<string> {
  try {
    const capture = await readCaptureDate(path, { timeZone: ZONE_FOR_INSTANTS });
    // The modification time is the sandbox's own file, which the service never sees.
    if (capture.source === 'mtime') return '';
    return formatWallClock(capture.date);
  } catch {
    // An upload is never refused for what its metadata says, or fails to say.
    return '';
  }
}
