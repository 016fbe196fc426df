/** The operations a stress phase runs; the file workload (files-workload.ts) adds 'publish' (a file's source and keyword entries), 'find-sources' and 'search'. */
export type OpKind = 'put' | 'get' | 'get-absent' | 'find' | 'publish' | 'find-sources' | 'search';
