import type { PersonalDataSource } from '../accounts/personal-data.ts';
import { newsletterRepository } from './newsletter.repository.ts';

/**
 * A reader's newsletter data for the account export, and its erasure with the account: the subscriber row of the
 * account, and of its address (subscriptions and recipient rows go with it by cascade; no address stays behind).
 */
export const newsletterPersonalData: PersonalDataSource = {
  name: 'newsletters',
  async export(db, reader) {
    const repository = newsletterRepository(db);
    const subscriber = (await repository.findSubscriberByUser(reader.id)) ?? (await repository.findSubscriberByEmail(reader.email.toLowerCase()));
    if (!subscriber) return { email: null, subscriptions: [] };
    const subscriptions = await repository.subscriptionsOf(subscriber.id);
    return { email: subscriber.email, subscriptions: subscriptions.map((row) => ({ newsletter: row.name, status: row.status })) };
  },
  async erase(trx, reader) {
    const repository = newsletterRepository(trx);
    for (const subscriber of [await repository.findSubscriberByUser(reader.id), await repository.findSubscriberByEmail(reader.email.toLowerCase())]) {
      if (subscriber) await repository.deleteSubscriber(subscriber.id);
    }
  },
};
