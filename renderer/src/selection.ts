// What the consultant is working on: the open engagement and assessment, shared by the screens.
export interface Selection {
  engagementId: string | null;
  assessmentId: string | null;
}

export const screens = [
  { id: 'engagements', label: 'Engagements' },
  { id: 'assessment', label: 'New assessment' },
  { id: 'findings', label: 'Findings' },
  { id: 'gateway', label: 'Gateway' },
  { id: 'compare', label: 'Compare' },
  { id: 'export', label: 'Export' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];
