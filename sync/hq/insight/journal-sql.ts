/**
 * SQL fragments over the journal records kiosks push (`journal.record` is the ledger's
 * CommitRecord as written: `ops`, `results`, `postings`). Module operations are read where
 * they are recorded; numbers are taken only when they are JSON numbers, so one odd record
 * cannot break a whole report.
 */

/** Local (Tehran by default) calendar day of a millisecond time column, as YYYY-MM-DD. */
export const localDay = (column: string, tzParam: string): string => `to_char(timezone(${tzParam}, to_timestamp(${column} / 1000.0)), 'YYYY-MM-DD')`;

/** A numeric field of an op, or NULL when it is not a JSON number. */
export const opNumber = (field: string): string => `CASE WHEN jsonb_typeof(o.op->'${field}') = 'number' THEN (o.op->>'${field}')::numeric END`;

/**
 * Every op of the journal records in a window at the scoped stores, one row each:
 * `j` the record, `d` its device, `o.op` the op, `o.idx` its 1-based index.
 * Parameters: $1 fromMs, $2 toMs, $3 store ids (NULL = all), $4 op names.
 */
export const OPS_IN_WINDOW = `
  FROM journal j
  JOIN devices d ON d.id = j.device_id
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(j.record->'ops') = 'array' THEN j.record->'ops' ELSE '[]'::jsonb END) WITH ORDINALITY AS o(op, idx)
  WHERE j.at_ms >= $1 AND j.at_ms < $2
    AND ($3::text[] IS NULL OR d.store_id = ANY($3::text[]))
    AND o.op->>'op' = ANY($4::text[])`;

/** The op's result as the kiosk returned it (purchase results carry tierId and campaignId). */
export const OP_RESULT = `(CASE WHEN jsonb_typeof(j.record->'results') = 'array' THEN j.record->'results'->((o.idx - 1)::int) END)`;

/** Operations that show a member was at a kiosk or till (a use of their card). */
export const MEMBER_ACTIVITY_OPS = ['purchase.record', 'voucher.issue', 'points.pay', 'credit.exchange', 'credit.spend', 'game.play', 'survey.submit', 'profile.bonus', 'lottery.buy'];
/** Operations naming a card directly. */
export const CARD_ACTIVITY_OPS = ['gift.load', 'gift.spend'];
