// Apollo Client's persisted-query link against a live server: runs one query with two fresh
// clients (the first registers it, the second finds it) and prints, as JSON, each client's
// result and every HTTP request its link chain made.
// Usage: node apq.mjs http://127.0.0.1:8000/graphql
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';

const url = process.argv[2];
if (!url) {
  console.error('usage: node apq.mjs <graphql url>');
  process.exit(2);
}

const QUERY = gql`
  query FirstBooks($first: Int!) {
    books(first: $first) {
      edges {
        node {
          title
        }
      }
    }
  }
`;

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function recordingClient(requests) {
  // What went over the wire: method, whether the query text was sent, the extensions, and
  // the answer's status and body.
  const recordingFetch = async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const entry = { method };
    if (method === 'GET') {
      const params = new URL(String(input)).searchParams;
      entry.sentQuery = params.has('query');
      entry.extensions = JSON.parse(params.get('extensions') ?? 'null');
    } else {
      const body = JSON.parse(init.body);
      entry.sentQuery = typeof body.query === 'string';
      entry.extensions = body.extensions ?? null;
    }
    const response = await fetch(input, init);
    entry.status = response.status;
    entry.body = JSON.parse(await response.clone().text());
    requests.push(entry);
    return response;
  };
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
      new HttpLink({ uri: url, fetch: recordingFetch }),
    ),
  });
}

async function run() {
  const requests = [];
  const client = recordingClient(requests);
  try {
    const result = await client.query({
      query: QUERY,
      variables: { first: 2 },
      fetchPolicy: 'network-only',
    });
    return { data: result.data, error: result.error?.message ?? null, requests };
  } catch (error) {
    return { data: null, error: String(error), requests };
  }
}

const first = await run();
const second = await run();
console.log(JSON.stringify({ first, second }));
