/**
 * A local STS endpoint answering GetCallerIdentity (AWS Query), as whoever signed the request: the local
 * account `000000000000` and a local user. https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
import { type QueryRoute, queryRoutes } from './protocol-routes';

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function localStsRoutes(accountId = '000000000000'): Record<string, QueryRoute> {
  return queryRoutes(STS_XML_NAMESPACE, {
    GetCallerIdentity: async () => ({ UserId: 'AIDALOCALLANDFALL', Account: accountId, Arn: `arn:aws:iam::${accountId}:user/local` }),
  });
}
