import { Type, type Static } from 'typebox';

/**
 * The `hardware.printer` section. An empty section is the demo: the real ESC/POS driver
 * printing to the simulated printer (a fake ESC/POS printer on 127.0.0.1 started in-process).
 */
export const PrinterConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('simulated'), Type.Literal('escpos'), Type.Literal('none')], {
      default: 'simulated',
      description: "'escpos': a real printer; 'simulated': the fake printer (demo); 'none': no printer.",
    }),
    model: Type.Union([Type.Literal('epson'), Type.Literal('star')], {
      default: 'epson',
      description: 'Command set: EPSON ESC/POS (most printers, including Chinese clones) or STAR.',
    }),
    interface: Type.String({
      pattern: '^(tcp://[A-Za-z0-9.:\\[\\]-]+:[0-9]{1,5}|/dev/[A-Za-z0-9/_.-]+)$',
      default: 'tcp://127.0.0.1:9100',
      description: 'tcp://host:port (network printers listen on 9100) or a device file such as /dev/usb/lp0.',
    }),
    paperWidthMm: Type.Union([Type.Literal(58), Type.Literal(80)], { default: 80 }),
    statusQuery: Type.Union([Type.Literal('auto'), Type.Literal('dle-eot'), Type.Literal('gs-r'), Type.Literal('none')], {
      default: 'auto',
      description:
        "How paper status is asked (TCP only). 'auto': EPSON asks DLE EOT 4 before a job and GS r 1 after it; STAR asks nothing. 'dle-eot' / 'gs-r': that query before and after. 'none': never.",
    }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Tehran' }),
    timeoutMs: Type.Integer({ minimum: 200, maximum: 30_000, default: 3000 }),
    retryInitialDelayMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }),
    retryMaxDelayMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 30_000 }),
    idleStatusPollMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
    spoolMaxJobs: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
    historyMaxJobs: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  },
  { additionalProperties: false, default: {} },
);

export type PrinterConfig = Static<typeof PrinterConfigSchema>;
