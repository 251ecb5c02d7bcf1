import { BadRequestException } from '@nestjs/common';
import type { ReportParams } from '@app/database';
import { toMinor, type ReportType } from '@app/finance';

/** The what-if money of a report request, as the validated body gives it (major units). */
export interface WhatIfRequest {
  extraMonthly?: number;
  lumpSum?: number;
}

/**
 * The request's what-if in minor units, or null for a plain report (nothing asked, or only zeros). Only debt
 * reports take one: asking another type for it is a 400, not silently ignored.
 */
export function whatIfParams(type: ReportType, body: WhatIfRequest, minorDigits: number): ReportParams | null {
  const { extraMonthly, lumpSum } = body;
  if (extraMonthly === undefined && lumpSum === undefined) return null;
  if (type !== 'debt') {
    throw new BadRequestException({
      code: 'validation_failed',
      message: ['extraMonthly and lumpSum apply only to debt reports'],
    });
  }
  const params = {
    extraMonthlyMinor: toMinor(extraMonthly ?? 0, minorDigits),
    lumpSumMinor: toMinor(lumpSum ?? 0, minorDigits),
  };
  return params.extraMonthlyMinor > 0 || params.lumpSumMinor > 0 ? params : null;
}
