// Small helpers on envelope addresses.

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
export const localPartOf = (address: string): string => address.slice(0, address.lastIndexOf('@'));
export const normalizeAddress = (address: string): string => address.trim().toLowerCase();

export function isLocalDomain(address: string, localDomains: readonly string[]): boolean {
  const d = domainOf(address);
  return localDomains.some((l) => l.toLowerCase() === d);
}
