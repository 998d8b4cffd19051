import { AppError } from '../core/errors';
import type { SegmentStore } from '../store/segments/segment-store';
import type { FeedbackFilter } from './filters';

/**
 * The filter with its `segment` (a saved segment's key, as the "By segment" breakdown names it,
 * or its id) resolved into the segment's membership at `now`: the ratings of the contacts the
 * segment holds now, as the breakdown counts them. An unknown segment is SEGMENT_NOT_FOUND, not
 * an empty result that looks like "nobody". Without a segment, the filter as it is.
 */
export async function resolveSegmentFilter(
  filter: FeedbackFilter,
  segments: SegmentStore,
  now: Date,
): Promise<FeedbackFilter> {
  if (filter.segment === undefined) return filter;
  const membership = await segments.membership(filter.segment, now);
  if (!membership) throw new AppError('SEGMENT_NOT_FOUND', `No saved segment has the key or id "${filter.segment}"`);
  return { ...filter, segmentMembership: membership };
}
