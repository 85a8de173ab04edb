import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader({ title, intro, extra }: { title: string; intro?: string; extra?: ReactNode }) {
  return (
    <div style={{ marginBottom: 16 }}>
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra}
      </Flex>
      {intro ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {intro}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
