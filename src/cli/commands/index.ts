// The command table, in the order `toolgate --help` lists it.
import type { Command } from '../command.js';
import { launchCommand } from './launch.js';
import { sendCommand } from './send.js';
import { converseCommand } from './converse.js';
import { waitCommand } from './wait.js';
import { eventsCommand } from './events.js';
import { turnCommand } from './turn.js';
import { statusCommand } from './status.js';
import { listCommand } from './list.js';
import { handoffCommand } from './handoff.js';
import { stopCommand } from './stop.js';
import { pruneCommand } from './prune.js';
import { adoptCommand } from './adopt.js';
import { trustCommand } from './trust.js';
import { superviseCommand } from './supervise.js';
import { pendingCommand } from './pending.js';
import { approveCommand } from './approve.js';
import { doctorCommand } from './doctor.js';
import { policyCommand } from './policy.js';
import { auditCommand } from './audit.js';
import { lockdownCommand } from './lockdown.js';
import { grantsCommand } from './grants.js';

export const commands: Command[] = [
  launchCommand,
  sendCommand,
  converseCommand,
  waitCommand,
  eventsCommand,
  turnCommand,
  statusCommand,
  listCommand,
  handoffCommand,
  stopCommand,
  pruneCommand,
  adoptCommand,
  trustCommand,
  superviseCommand,
  pendingCommand,
  approveCommand,
  grantsCommand,
  lockdownCommand,
  doctorCommand,
  policyCommand,
  auditCommand,
];
