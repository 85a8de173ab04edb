import { Menu, type MenuProps } from 'antd';
import { createElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { FLAT_SECTIONS, NAV_ENTRIES, NAV_SECTIONS, SECTION_ICONS, type NavEntry } from '../nav/registry.js';

type MenuItem = NonNullable<MenuProps['items']>[number];

function entryItem(entry: NavEntry, label: string): MenuItem {
  return {
    key: entry.key,
    icon: createElement(entry.icon),
    label: (
      <Link to={entry.path} data-testid={`nav-${entry.key}`}>
        {label}
      </Link>
    ),
  };
}

export function NavMenu() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const current = NAV_ENTRIES.find((entry) => pathname === entry.path || pathname.startsWith(`${entry.path}/`));

  const items: MenuItem[] = [];
  for (const section of NAV_SECTIONS) {
    const entries = NAV_ENTRIES.filter((entry) => entry.group === section);
    if (entries.length === 0) continue;
    if (FLAT_SECTIONS.has(section)) {
      for (const entry of entries) items.push(entryItem(entry, t(entry.labelKey)));
      continue;
    }
    const icon = SECTION_ICONS[section];
    items.push({
      key: `section-${section}`,
      icon: icon ? createElement(icon) : undefined,
      label: t(`nav.${section}`),
      children: entries.map((entry) => entryItem(entry, t(entry.labelKey))),
    });
  }

  const openKeys = NAV_SECTIONS.filter((section) => !FLAT_SECTIONS.has(section)).map((s) => `section-${s}`);
  return (
    <Menu
      mode="inline"
      theme="dark"
      aria-label={t('nav.label')}
      items={items}
      selectedKeys={current ? [current.key] : []}
      defaultOpenKeys={openKeys}
    />
  );
}
