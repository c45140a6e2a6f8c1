import assert from 'node:assert/strict';
import * as driverSide from '../../../scripts/e2e/protocol.mjs';
import * as hostSide from '../../integration/support/protocol';

describe('e2e driver protocol', () => {
  it('uses the same markers and environment variable on the driver and the extension host side', () => {
    assert.deepEqual(
      { output: driverSide.OUTPUT_MARKER, request: driverSide.REQUEST_MARKER, dir: driverSide.DRIVER_DIR_ENV },
      { output: hostSide.OUTPUT_MARKER, request: hostSide.REQUEST_MARKER, dir: hostSide.DRIVER_DIR_ENV },
    );
  });

  it('keeps the markers distinct and neither a prefix of the other, so a line is never both', () => {
    assert.ok(!hostSide.OUTPUT_MARKER.startsWith(hostSide.REQUEST_MARKER));
    assert.ok(!hostSide.REQUEST_MARKER.startsWith(hostSide.OUTPUT_MARKER));
  });
});
