/**
 * Message consent as WeChat and Alipay keep it: a user accepts a template in the mini-program
 * (wx.requestSubscribeMessage / my.requestSubscribeMessage); each one-time acceptance allows one
 * message, a long-term one any number. Shared by the WeChat and Alipay simulators.
 */
export class SubscriptionLedger {
  /** `${user}\u0000${templateId}` → one-time acceptances left, or 'long'. */
  private readonly left = new Map<string, number | 'long'>();

  accept(user: string, templateIds: readonly string[], longTerm: boolean): void {
    for (const templateId of templateIds) {
      const key = `${user}\u0000${templateId}`;
      const current = this.left.get(key);
      this.left.set(key, longTerm || current === 'long' ? 'long' : (current ?? 0) + 1);
    }
  }

  /** Uses one acceptance; false when the user has none left for this template. */
  consume(user: string, templateId: string): boolean {
    const key = `${user}\u0000${templateId}`;
    const current = this.left.get(key);
    if (current === 'long') return true;
    if (!current) return false;
    if (current === 1) this.left.delete(key);
    else this.left.set(key, current - 1);
    return true;
  }
}
