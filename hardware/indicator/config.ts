import { Type, type Static } from 'typebox';

/**
 * The `hardware.indicator` section. An empty section is the demo: a simulated indicator that
 * records the patterns it plays. 'gpio' drives LEDs and a buzzer through onoff (sysfs) with
 * BCM pin numbers, translated through the GPIO chip's base (Raspberry Pi OS Bookworm offsets).
 */
const BcmPin = Type.Integer({ minimum: 0, maximum: 53, description: 'BCM (GPIOnn) number, not the header pin.' });

export const IndicatorConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('simulated'), Type.Literal('gpio'), Type.Literal('none')], { default: 'simulated' }),
    pins: Type.Object(
      {
        green: Type.Optional(BcmPin),
        red: Type.Optional(BcmPin),
        buzzer: Type.Optional(BcmPin),
      },
      { additionalProperties: false, default: { green: 17, red: 27, buzzer: 22 } },
    ),
    /** True when an output is on at 0 V (LED wired to 3.3 V through the pin, some buzzer boards). */
    activeLow: Type.Boolean({ default: false }),
    sysfsRoot: Type.String({ minLength: 1, maxLength: 200, default: '/sys/class/gpio' }),
    /** Labels of the chip carrying the 40-pin header's GPIOs, tried in order. */
    chipLabels: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 16,
      default: ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1', 'pinctrl-bcm2712'],
    }),
  },
  { additionalProperties: false, default: {} },
);

export type IndicatorConfig = Static<typeof IndicatorConfigSchema>;
