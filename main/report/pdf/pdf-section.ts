// react-pdf honours `bookmark` on any element, but its types declare it on Page only: this is
// View with the prop typed, so sections and findings get their outline entries.
import { View } from '@react-pdf/renderer';
import type { Bookmark } from '@react-pdf/types';
import type { ComponentProps, ComponentType } from 'react';

export const Section = View as unknown as ComponentType<ComponentProps<typeof View> & { bookmark?: Bookmark }>;
