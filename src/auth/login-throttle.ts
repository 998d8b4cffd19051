import { AppError } from '../core/errors';
import { normalizeEmail } from '../core/identity';
import type { Logger } from '../logger';
import type { LoginThrottleStore, Reservation, ThrottleKind, ThrottlePolicy } from '../store/auth/login-throttle-store';

/** The limits, from the configuration (LOGIN_* settings). */
export interface LoginLimits {
  /** Wrong passwords for one account before it locks. */
  accountMaxFailures: number;
  /** Wrong passwords from one client address (any accounts) before it locks. */
  addressMaxFailures: number;
  /** The first lockout; each further wrong password after a lockout doubles it, up to MAX_LOCK_SECONDS. */
  lockSeconds: number;
}

/** No lockout lasts longer: an admin is never locked out for good, even without the CLI's unlock. */
export const MAX_LOCK_SECONDS = 15 * 60;
/** A counter with no attempt for an hour starts again from zero. */
const FORGET_SECONDS = 60 * 60;

/**
 * Brute-force protection for sign-in: wrong passwords are counted per account (its email, known
 * or not, so a lockout says nothing about who has an account) and per client address, in the
 * database (several hub processes share the counts). Past the limit, the account or address is
 * locked for a while that grows with each further failure; a locked attempt is refused with
 * 429 RATE_LIMITED and Retry-After before its password is even checked. A right password clears
 * the account's count; `npm run user -- unlock` clears a lock at once.
 */
export class LoginThrottle {
  private readonly policies: Record<ThrottleKind, ThrottlePolicy>;

  constructor(
    private readonly store: LoginThrottleStore,
    limits: LoginLimits,
    private readonly log: Logger,
  ) {
    const policy = (maxFailures: number): ThrottlePolicy => ({
      maxFailures,
      lockSeconds: limits.lockSeconds,
      maxLockSeconds: Math.max(MAX_LOCK_SECONDS, limits.lockSeconds),
      forgetSeconds: FORGET_SECONDS,
    });
    this.policies = { account: policy(limits.accountMaxFailures), address: policy(limits.addressMaxFailures) };
  }

  /**
   * Runs `verify` (the password check) if neither the account nor the address is locked, and
   * counts its outcome. Throws RATE_LIMITED (details.retryAfterSeconds) when locked.
   */
  async attempt<T>(email: string, address: string, verify: () => Promise<T | null>): Promise<T | null> {
    const account = normalizeEmail(email);
    const byAddress = await this.store.reserve('address', address, this.policies.address);
    if (!byAddress.allowed) throw this.refusal('address', { account, address }, byAddress.lockedUntil);
    const byAccount = await this.store.reserve('account', account, this.policies.account);
    if (!byAccount.allowed) {
      // Not a guess: it does not count against the address.
      await this.store.refund('address', address, byAddress);
      throw this.refusal('account', { account, address }, byAccount.lockedUntil);
    }
    let verified: T | null;
    try {
      verified = await verify();
    } catch (error) {
      await this.refundBoth(account, address, byAccount, byAddress);
      throw error;
    }
    if (verified !== null) {
      await this.store.clear('account', account);
      await this.store.refund('address', address, byAddress);
      return verified;
    }
    this.noteLock('account', { account, address }, byAccount);
    this.noteLock('address', { account, address }, byAddress);
    return null;
  }

  /** Clears an account's (normalised email) or an address's count and lock; false when there was none. */
  unlock(kind: ThrottleKind, subject: string): Promise<boolean> {
    return this.store.clear(kind, kind === 'account' ? normalizeEmail(subject) : subject);
  }

  private async refundBoth(account: string, address: string, byAccount: Reservation, byAddress: Reservation) {
    await this.store.refund('account', account, byAccount);
    await this.store.refund('address', address, byAddress);
  }

  private noteLock(kind: ThrottleKind, who: { account: string; address: string }, reservation: Reservation): void {
    if (!reservation.lockedUntil) return;
    this.log.warn(
      { ...who, lockedBy: kind, lockedUntil: reservation.lockedUntil },
      'sign-in locked after failed attempts',
    );
  }

  private refusal(kind: ThrottleKind, who: { account: string; address: string }, lockedUntil: Date): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
    this.log.warn({ ...who, lockedBy: kind, retryAfterSeconds }, 'sign-in refused: locked after failed attempts');
    return new AppError(
      'RATE_LIMITED',
      `Too many failed sign-ins${kind === 'address' ? ' from this address' : ' for this account'}: try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}
