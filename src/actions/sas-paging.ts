import { Type } from '@sinclair/typebox';

/** The paging envelope Sas list actions return next to their rows (spread into the response schema). */
export const PAGE_FIELDS = {
  Count: Type.Integer(),
  CurrentPage: Type.Integer(),
  PageSize: Type.Integer(),
  TotalCount: Type.Integer(),
};
