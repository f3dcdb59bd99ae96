// `collect`: asks a customer to pay by M-Pesa Express and waits for their answer (the callback, or
// STK Push Query when no callback comes), then prints the receipt or the customer's answer in
// words. `collections list` shows the requests, the money received and what waits; `c2b register`
// registers the profile's C2B URLs with M-Pesa. The rules are in src/main/collections/.
import { formatKesWithCurrency, parseKes } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import { registerC2bUrls } from '../../collections/c2b-urls';
import { markRequestChecked } from '../../collections/checked';
import { settleStkSuccess } from '../../collections/settle-success';
import { requestPayment } from '../../collections/request-payment';
import { moneyInOverview, requestView, type RequestView } from '../../collections/views';
import type { SecretStore } from '../../secrets/secret-store';
import { actingPerson, openProfileAppAs, readingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { line, table, type CliIo } from '../output';
import { requireUserOption } from '../sign-in';
import { defaultProfileName, exitCodes, parseCommand, positiveNumber, UsageError } from '../usage';

export const collectHelp = `Usage: npm run cli -- collect --phone <phone> --amount <KES> --reference <text> --user <admin> [--json]

Asks a customer to pay by M-Pesa Express (STK Push): a prompt for their PIN goes to their phone
once, and Mshahara waits for their answer (its callback, or STK Push Query when none comes). Prints
the receipt when they paid, or their answer in words; exits 1 when they did not pay or no answer
came in time. The prompt is never sent twice on a guess: if the answer is lost, the request waits
for the payment to show (collections list).
  --phone <phone>      the customer's M-Pesa number (07…, 01…, +254…)
  --amount <KES>       whole shillings, 1 to 250,000
  --reference <text>   the account reference the customer sees (at most 12 characters)
  --description <text> shown on the prompt (at most 13 characters; the reference when left out)
  --user <name>        an admin, signed in with MSHAHARA_PASSWORD or a password asked without echo
  --wait <s>           how long to wait for the customer (default 180 s)
  --base-url <url>     demo: a simulator already running
  --json               the request as JSON
`;

export const collectionsHelp = `Usage: npm run cli -- collections list [--json]
       npm run cli -- collections checked <request> --note <text> --user <admin|accountant> [--json]
       npm run cli -- collections settle <callback> --note <text> --user <admin|accountant> [--json]

list     the payment requests (newest first) with where each stands, the money received from
         customers (C2B and STK), and the customers' payments that wait for M-Pesa's confirmation
         or for a person. Reading is kept, as on the screens, to an admin, approver, accountant or
         auditor: --user <name>.
checked  marks a request that says "Look at this" as checked, with what you found: the words
         leave the request and the audit log keeps them. Nothing moves.
settle   settles a payment prompt M-Pesa could not confirm (listed under "Prompts M-Pesa could
         not confirm", by its callback number) once you looked it up on the M-Pesa portal or the
         statement: nothing is recorded, and the customer may then be asked again.
`;

export const c2bHelp = `Usage: npm run cli -- c2b register --user <admin> [--json]

Registers the profile's C2B confirmation and validation URLs for its shortcode with M-Pesa, so
customers' Pay Bill payments reach Mshahara (through the relay once one is set up; until then
through this command's own loopback port, which ends with it). Says what M-Pesa answered.
`;

function describe(request: RequestView): string {
  return `Payment request #${request.id}: ${formatKesWithCurrency(request.amountCents)} from ${formatMsisdn(request.phone)} (${request.accountReference}) — ${request.status}${request.note === null ? '' : `. ${request.note}`}`;
}

export async function collectCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      phone: { type: 'string' },
      amount: { type: 'string' },
      reference: { type: 'string' },
      description: { type: 'string' },
      wait: { type: 'string' },
      'base-url': { type: 'string' },
      json: { type: 'boolean' },
      user: { type: 'string' },
    },
    collectHelp,
  );
  if (values.help === true) {
    io.out.write(collectHelp);
    return exitCodes.ok;
  }
  if (values.phone === undefined) throw new UsageError('collect needs --phone', collectHelp);
  if (values.amount === undefined) throw new UsageError('collect needs --amount', collectHelp);
  if (values.reference === undefined) throw new UsageError('collect needs --reference', collectHelp);
  let amountCents: number;
  try {
    amountCents = parseKes(values.amount);
  } catch (error) {
    throw new UsageError(`--amount: ${error instanceof Error ? error.message : String(error)}`, collectHelp);
  }
  const waitMs = (positiveNumber(values.wait, '--wait', collectHelp) ?? 180) * 1000;
  const user = requireUserOption(values.user, 'collect', collectHelp);
  // The engine runs to apply callbacks, but sends no payroll payment as a side effect.
  const { app, caller } = await openProfileAppAs(
    values.profile ?? defaultProfileName,
    {
      secrets: deps.secrets,
      sendPayments: false,
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    },
    io,
    user,
    'collect',
  );
  try {
    const sent = await requestPayment(
      {
        db: app.db,
        client: app.client,
        source: app.source,
        firstQueryAfterMs: app.moneyIn.schedule.stkQueryGapsMs[0] ?? 30_000,
      },
      {
        phone: values.phone,
        amountCents,
        accountReference: values.reference,
        ...(values.description === undefined ? {} : { description: values.description }),
        actor: caller.username,
      },
    );
    app.moneyIn.poke();
    if (sent.state === 'sent' && values.json !== true)
      line(io.err, `Waiting for ${formatMsisdn(sent.phone)} to enter their PIN…`);
    await app.moneyIn.waitForAnswer(sent.id, waitMs);
    const view = requestView(app.db, sent.id);
    if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else if (view.state === 'paid') line(io.out, view.receipt ?? '');
    else line(io.out, describe(view));
    if (values.json !== true && view.state === 'paid') line(io.err, describe(view));
    return view.state === 'paid' || view.state === 'paid_no_receipt' ? exitCodes.ok : exitCodes.error;
  } finally {
    await app.close();
  }
}

export async function collectionsCommand(
  args: string[],
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'checked') return await noteCommand('checked', rest, io, deps);
  if (sub === 'settle') return await noteCommand('settle', rest, io, deps);
  if (sub !== 'list') {
    if (sub === '--help' || sub === undefined) {
      io.out.write(collectionsHelp);
      return sub === undefined ? exitCodes.usage : exitCodes.ok;
    }
    throw new UsageError(`Unknown collections command "${sub}"`, collectionsHelp);
  }
  const { values } = parseCommand(rest, { json: { type: 'boolean' }, user: { type: 'string' } }, collectionsHelp);
  if (values.help === true) {
    io.out.write(collectionsHelp);
    return exitCodes.ok;
  }
  const user = requireUserOption(values.user, 'collections list', collectionsHelp);
  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, { io, secrets: deps.secrets });
  try {
    await readingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'collections list');
    const overview = moneyInOverview(opened.db);
    if (values.json === true) {
      line(io.out, JSON.stringify(overview, null, 2));
      return exitCodes.ok;
    }
    line(io.out, 'Payment requests:');
    line(
      io.out,
      table([
        ['#', 'phone', 'amount', 'reference', 'where it stands'],
        ...overview.requests.map((r) => [
          String(r.id),
          formatMsisdn(r.phone),
          formatKesWithCurrency(r.amountCents),
          r.accountReference,
          r.attention === null ? r.status : `${r.status}. Look at this: ${r.attention}`,
        ]),
      ]),
    );
    line(io.out);
    line(io.out, 'Money received:');
    line(
      io.out,
      table([
        ['receipt', 'how', 'amount', 'from', 'reference'],
        ...overview.received.map((r) => [
          r.receipt ?? '',
          r.kind === 'stk_payment' ? 'payment request' : 'Pay Bill',
          formatKesWithCurrency(r.amountCents),
          r.partyDisplay ?? '',
          r.accountReference ?? '',
        ]),
      ]),
    );
    if (overview.unconfirmed.length > 0) {
      line(io.out);
      line(io.out, 'Prompts M-Pesa could not confirm (settle with "collections settle <callback>"):');
      for (const u of overview.unconfirmed)
        line(io.out, `#${u.inboxId}  ${u.receipt}  ${formatKesWithCurrency(u.amountCents)}  ${u.words}`);
    }
    if (overview.waiting.length > 0) {
      line(io.out);
      line(io.out, 'Customers’ payments waiting:');
      for (const w of overview.waiting)
        line(io.out, `${w.receipt}  ${formatKesWithCurrency(w.amountCents)}  ${w.words}`);
    }
    return exitCodes.ok;
  } finally {
    opened.close();
  }
}

/**
 * `collections checked <request> --note <text>`: a person clears the words a request left for them.
 * `collections settle <callback> --note <text>`: a person settles a prompt M-Pesa could not confirm.
 */
async function noteCommand(
  sub: 'checked' | 'settle',
  args: string[],
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: 'boolean' }, user: { type: 'string' }, note: { type: 'string' } },
    collectionsHelp,
  );
  if (values.help === true) {
    io.out.write(collectionsHelp);
    return exitCodes.ok;
  }
  const id = Number(positionals[0]);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new UsageError(
      sub === 'checked' ? 'Name the payment request by its number.' : 'Name the callback by its number.',
      collectionsHelp,
    );
  const note = values.note?.trim() ?? '';
  if (note.length < 3) throw new UsageError('Say what you found: --note <text>.', collectionsHelp);
  const command = sub === 'checked' ? 'collections checked' : 'collections settle';
  const user = requireUserOption(values.user, command, collectionsHelp);
  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, {
    io,
    secrets: deps.secrets,
    exclusive: true,
  });
  try {
    const caller = await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, command);
    if (sub === 'settle') {
      const settled = settleStkSuccess(opened.db, id, caller.username, note);
      if (values.json === true) line(io.out, JSON.stringify(settled, null, 2));
      else line(io.out, `Callback #${id} settled: nothing was recorded; the customer may be asked again.`);
      return exitCodes.ok;
    }
    markRequestChecked(opened.db, id, caller.username, note);
    const view = requestView(opened.db, id);
    if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else line(io.out, `Payment request #${id} marked as checked: ${view.status}.`);
    return exitCodes.ok;
  } finally {
    opened.close();
  }
}

export async function c2bCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'register') {
    if (sub === '--help' || sub === undefined) {
      io.out.write(c2bHelp);
      return sub === undefined ? exitCodes.usage : exitCodes.ok;
    }
    throw new UsageError(`Unknown c2b command "${sub}"`, c2bHelp);
  }
  const { values } = parseCommand(
    rest,
    { json: { type: 'boolean' }, user: { type: 'string' }, 'base-url': { type: 'string' } },
    c2bHelp,
  );
  if (values.help === true) {
    io.out.write(c2bHelp);
    return exitCodes.ok;
  }
  const user = requireUserOption(values.user, 'c2b register', c2bHelp);
  const { app, caller } = await openProfileAppAs(
    values.profile ?? defaultProfileName,
    {
      secrets: deps.secrets,
      startEngine: false,
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    },
    io,
    user,
    'c2b register',
  );
  try {
    const registered = await registerC2bUrls(app, app.profile.shortcode, caller.username);
    if (values.json === true) line(io.out, JSON.stringify(registered, null, 2));
    else line(io.out, registered.words);
    return registered.registered ? exitCodes.ok : exitCodes.error;
  } finally {
    await app.close();
  }
}
