import { Descriptions, Drawer, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../util/format-time.js';
import type { AssetInstance } from './asset-api.js';
import { PropertyTable } from './PropertyTable.js';
import { StatusTag } from './StatusTag.js';

interface Proc { Pid: string; Name: string; User: string; Path: string; Cmdline: string; FileHash: string; StartTime: string }
interface Port { Port: string; Proto: string; BindIp: string; Pid: string; ProcName: string }
interface Account { User: string; IsRoot: string; IsSudoer: number; Status: string; LastLoginTime: string; LastLoginIp: string; GroupNames: string[] }
interface Software { Name: string; Version: string; Path: string; InstallTime: string }

export function AssetDetailDrawer({ asset, onClose }: { asset: AssetInstance | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  if (!asset) return null;
  const uuid = asset.Uuid;
  const overview = (
    <Descriptions column={1} size="small" bordered data-testid="asset-overview">
      <Descriptions.Item label={t('assets.columnName')}>{asset.InstanceName}</Descriptions.Item>
      <Descriptions.Item label="UUID">{asset.Uuid}</Descriptions.Item>
      <Descriptions.Item label={t('assets.columnStatus')}>
        <StatusTag status={asset.ClientStatus} />
      </Descriptions.Item>
      <Descriptions.Item label={t('assets.columnIp')}>{asset.IpListString || '-'}</Descriptions.Item>
      <Descriptions.Item label="MAC">{asset.MacListString || '-'}</Descriptions.Item>
      <Descriptions.Item label={t('assets.columnOs')}>{asset.OsName}</Descriptions.Item>
      <Descriptions.Item label={t('assets.kernel')}>{asset.Kernel}</Descriptions.Item>
      <Descriptions.Item label="CPU">{`${asset.CpuInfo} × ${asset.Cores}`}</Descriptions.Item>
      <Descriptions.Item label={t('assets.memory')}>{`${asset.Mem} MB`}</Descriptions.Item>
      <Descriptions.Item label={t('assets.columnGroup')}>{asset.GroupTrace}</Descriptions.Item>
      <Descriptions.Item label={t('assets.columnTags')}>{asset.Tag ? asset.Tag.split(',').map((x) => <Tag key={x}>{x}</Tag>) : '-'}</Descriptions.Item>
      <Descriptions.Item label={t('assets.lastSeen')}>{asset.LastLoginTimestamp ? formatTime(new Date(asset.LastLoginTimestamp).toISOString(), i18n.language) : '-'}</Descriptions.Item>
    </Descriptions>
  );
  const items = [
    { key: 'overview', label: t('assets.detail.overview'), children: overview },
    {
      key: 'processes',
      label: t('assets.detail.processes'),
      children: (
        <PropertyTable<Proc>
          action="DescribePropertyProcDetail"
          uuid={uuid}
          searchParam="Name"
          testId="asset-processes"
          rowKey={(r) => r.Pid}
          columns={[
            { title: 'PID', dataIndex: 'Pid' },
            { title: t('assets.detail.name'), dataIndex: 'Name' },
            { title: t('assets.detail.user'), dataIndex: 'User' },
            { title: t('assets.detail.path'), dataIndex: 'Path' },
            { title: t('assets.detail.cmdline'), dataIndex: 'Cmdline', ellipsis: true },
            { title: 'SHA-256', dataIndex: 'FileHash', render: (v: string) => (v ? <code title={v}>{v.slice(0, 12)}…</code> : '-') },
            { title: t('assets.detail.startTime'), dataIndex: 'StartTime' },
          ]}
        />
      ),
    },
    {
      key: 'ports',
      label: t('assets.detail.ports'),
      children: (
        <PropertyTable<Port>
          action="DescribePropertyPortDetail"
          uuid={uuid}
          searchParam="Port"
          testId="asset-ports"
          rowKey={(r) => `${r.Proto}/${r.BindIp}/${r.Port}`}
          columns={[
            { title: t('assets.detail.port'), dataIndex: 'Port' },
            { title: t('assets.detail.proto'), dataIndex: 'Proto' },
            { title: t('assets.detail.bindIp'), dataIndex: 'BindIp' },
            { title: 'PID', dataIndex: 'Pid' },
            { title: t('assets.detail.process'), dataIndex: 'ProcName' },
          ]}
        />
      ),
    },
    {
      key: 'accounts',
      label: t('assets.detail.accounts'),
      children: (
        <PropertyTable<Account>
          action="DescribePropertyUserDetail"
          uuid={uuid}
          searchParam="User"
          testId="asset-accounts"
          rowKey={(r) => r.User}
          columns={[
            { title: t('assets.detail.user'), dataIndex: 'User' },
            { title: 'root', dataIndex: 'IsRoot', render: (v: string) => (v === '1' ? <Tag color="red">root</Tag> : '-') },
            { title: 'sudo', dataIndex: 'IsSudoer', render: (v: number) => (v === 1 ? <Tag color="orange">sudo</Tag> : '-') },
            { title: t('assets.detail.password'), dataIndex: 'Status' },
            { title: t('assets.detail.groups'), dataIndex: 'GroupNames', render: (v: string[]) => v.join(', ') },
            { title: t('assets.detail.lastLogin'), dataIndex: 'LastLoginTime', render: (v: string, r) => (v ? `${v} ${r.LastLoginIp}` : '-') },
          ]}
        />
      ),
    },
    {
      key: 'software',
      label: t('assets.detail.software'),
      children: (
        <PropertyTable<Software>
          action="DescribePropertySoftwareDetail"
          uuid={uuid}
          searchParam="Name"
          testId="asset-software"
          rowKey={(r) => `${r.Name}@${r.Version}@${r.Path}`}
          columns={[
            { title: t('assets.detail.name'), dataIndex: 'Name' },
            { title: t('assets.detail.version'), dataIndex: 'Version' },
            { title: t('assets.detail.path'), dataIndex: 'Path', ellipsis: true },
            { title: t('assets.detail.installTime'), dataIndex: 'InstallTime' },
          ]}
        />
      ),
    },
  ];
  return (
    <Drawer open width={960} title={asset.InstanceName} onClose={onClose} destroyOnHidden data-testid="asset-detail">
      <Tabs items={items} data-testid="asset-detail-tabs" />
    </Drawer>
  );
}
