import { encodeMessage, type BreachAlertMessage } from '../../protocol/index.js';

/**
 * The `breach_alert` frame of an alert: its fields in the protocol's order (the text
 * `encodeMessage` writes for an alert the brokers build), built for the two ways the server
 * sends many alerts at once:
 *
 * - one alert to a user with many sockets (tabs): every socket is handed the same alert object
 *   in turn, and the frame is encoded once for all of them;
 * - one alert to many users (a batch publish): the alerts differ in seq, id and user only, and
 *   the fields they share are encoded once for the batch.
 *
 * An alert of another shape (a payload, a seq that is not a safe integer) is encoded whole.
 * The cache holds one alert and one set of shared fields: nothing grows with the traffic.
 */
export class AlertFrames {
  #alert: BreachAlertMessage | undefined;
  #frame = '';
  // The alert whose shared fields (severity to publishedAt) `#tail` encodes: `,"severity":…}`.
  #shared: BreachAlertMessage | undefined;
  #tail = '';

  encode(alert: BreachAlertMessage): string {
    if (alert === this.#alert) return this.#frame;
    const frame = this.#build(alert);
    this.#alert = alert;
    this.#frame = frame;
    return frame;
  }

  #build(alert: BreachAlertMessage): string {
    const tail = this.sharedTail(alert);
    if (tail === undefined) return encodeMessage(alert);
    return `{"type":"breach_alert","seq":${alert.seq},"id":${JSON.stringify(alert.id)},"userId":${JSON.stringify(alert.userId)}${tail}`;
  }

  /**
   * The end of the alert's frame after its user id, `,"severity":…}`, encoded once for every
   * alert that shares those fields; undefined for an alert of another shape (a payload, a seq
   * that is not a safe integer), which is encoded whole.
   */
  sharedTail(alert: BreachAlertMessage): string | undefined {
    if (alert.payload !== undefined || !Number.isSafeInteger(alert.seq)) return undefined;
    const shared = this.#shared;
    if (
      shared === undefined ||
      alert.severity !== shared.severity ||
      alert.title !== shared.title ||
      alert.source !== shared.source ||
      alert.detectedAt !== shared.detectedAt ||
      alert.publishedAt !== shared.publishedAt
    ) {
      this.#shared = alert;
      this.#tail = `,${JSON.stringify({
        severity: alert.severity,
        title: alert.title,
        source: alert.source,
        detectedAt: alert.detectedAt,
        publishedAt: alert.publishedAt,
      }).slice(1)}`;
    }
    return this.#tail;
  }
}
