import * as vscode from 'vscode';
import { DayZone, machineTimeZone } from '../core/day';

/**
 * The zone the developer's local days are counted in: the setting `prodlens.timeZone` (an IANA name), else
 * `PRODLENS_TIMEZONE`, else the machine's. A name the runtime does not know falls back to the machine's.
 */
export function configuredZone(): DayZone {
  const configured = vscode.workspace.getConfiguration('prodlens').get<string>('timeZone', '')?.trim() || process.env.PRODLENS_TIMEZONE?.trim();
  try {
    return new DayZone(configured || machineTimeZone());
  } catch {
    return new DayZone(machineTimeZone());
  }
}
