// Hands a file the core made to the officer: the desktop app already saved it (a path), the
// browser host sends the bytes for the browser to download.
import { notifications } from '@mantine/notifications';
import type { ProducedFile } from '../../shared/contract';
import { downloadBase64 } from './download';
import { formatCount } from '../../shared/format';

export function deliverFile(file: ProducedFile): void {
  const rows = file.rows === null ? '' : ` (${formatCount(file.rows, 'row')})`;
  if (file.contentBase64 !== null) {
    downloadBase64(file.fileName, file.contentBase64, file.mimeType);
    notifications.show({ message: `${file.fileName} downloaded${rows}.` });
  } else {
    notifications.show({ message: `Saved ${file.path ?? file.fileName}${rows}.`, autoClose: 10_000 });
  }
}
