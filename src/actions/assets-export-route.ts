import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AssetExportService } from '../domain/assets/export-service.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * GET /exports/assets/<id>/<token>: the file of a finished ExportRecord. The random token in the
 * Link is the capability (like a pre-signed object-store URL), so browsers can follow it directly.
 * Register with `fastify.register(async (s) => assetExportRoutes(s, services.assetExports))`.
 */
export async function assetExportRoutes(fastify: FastifyInstance, exports: AssetExportService): Promise<void> {
  fastify.get<{ Params: { id: string; token: string } }>('/exports/assets/:id/:token', async (req, reply) => {
    const id = Number(req.params.id);
    const file = Number.isInteger(id) && /^[A-Za-z0-9_-]{16,64}$/.test(req.params.token) ? await exports.resolveDownload(id, req.params.token) : null;
    if (!file) return reply.code(404).type('application/json').send({ Code: 'ExportNotExist', Message: 'The export does not exist or its link expired.' });
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .send(createReadStream(file.path));
  });
}
