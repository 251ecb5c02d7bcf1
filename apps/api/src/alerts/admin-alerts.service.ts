import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AlertDoc, AlertFilter, AlertsRepository, Page, UsersRepository } from '@app/database';
import { cursorFrom } from '../common/page-query.dto';
import { rehoAlert } from '../reho-compat/reho-views';
import { ListAlertsQueryDto, UpdateAlertDto } from './alerts.dto';

const DEFAULT_PAGE = 20;

export interface AlertView {
  id: string;
  userId: string;
  code: AlertDoc['code'];
  severity: AlertDoc['severity'];
  category: AlertDoc['category'];
  subject: AlertDoc['subject'];
  figures: AlertDoc['figures'];
  threshold: AlertDoc['threshold'];
  currency: string;
  title: string;
  message: string;
  status: AlertDoc['status'];
  stillFiring: boolean;
  detectedOn: string;
  lastScreenedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const idOrNull = (v: unknown): string | null => (v ? String(v) : null);

function toView(a: AlertDoc): AlertView {
  return {
    id: String(a._id),
    userId: String(a.userId),
    code: a.code,
    severity: a.severity,
    category: a.category,
    subject: a.subject ?? null,
    figures: a.figures,
    threshold: a.threshold,
    currency: a.currency,
    title: a.title,
    message: a.message,
    status: a.status,
    stillFiring: a.stillFiring,
    detectedOn: a.detectedOn,
    lastScreenedAt: a.lastScreenedAt,
    acknowledgedBy: idOrNull(a.acknowledgedBy),
    acknowledgedAt: a.acknowledgedAt ?? null,
    resolvedBy: idOrNull(a.resolvedBy),
    resolvedAt: a.resolvedAt ?? null,
    note: a.note ?? null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

@Injectable()
export class AdminAlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly users: UsersRepository,
  ) {}

  /** The page, plus the same alerts as Reho's `alerts: [{ userId, userEmail, alertMessage, category, createdAt }]`. */
  async list(q: ListAlertsQueryDto): Promise<Page<AlertView> & { alerts: ReturnType<typeof rehoAlert>[] }> {
    const cursor = cursorFrom(q.cursor);
    const filter = {
      severity: q.severity,
      category: q.category,
      status: q.status,
      userId: q.userId?.toLowerCase(),
    } as AlertFilter;
    const page = await this.alerts.list(filter, q.limit ?? DEFAULT_PAGE, cursor);
    const emails = await this.emailsOf(page.items);
    return {
      items: page.items.map(toView),
      nextCursor: page.nextCursor,
      alerts: page.items.map((a) => rehoAlert(a, emails.get(String(a.userId)) ?? null)),
    };
  }

  /** The page's users' emails in one query; a deleted user has none. */
  private async emailsOf(alerts: AlertDoc[]): Promise<Map<string, string | null>> {
    const ids = [...new Set(alerts.map((a) => String(a.userId)))];
    if (!ids.length) return new Map();
    const accounts = await this.users.findAccounts(ids);
    return new Map(accounts.map((u) => [String(u._id), u.email ?? null]));
  }

  /**
   * open -> acknowledged -> resolved (or open -> resolved). Repeating the current status is a no-op answered
   * with the alert, so a double click is harmless; going back from resolved is a 409.
   */
  async update(id: string, adminId: string, dto: UpdateAlertDto): Promise<AlertView> {
    const updated =
      dto.status === 'acknowledged'
        ? await this.alerts.acknowledge(id, adminId, dto.note)
        : await this.alerts.resolve(id, adminId, dto.note);
    if (updated) return toView(updated);
    const current = await this.alerts.findById(id);
    if (!current) throw new NotFoundException({ code: 'not_found', message: 'Alert not found' });
    if (current.status === dto.status) return toView(current);
    throw new ConflictException({
      code: 'invalid_transition',
      message: `A ${current.status} alert cannot be marked ${dto.status}`,
    });
  }
}
