import { GoneHome } from '@/components/listing/gone-home';

/** A listing the API answers 404 for: the page says it is gone and offers homes like it (issue 29). */
export default function ListingNotFound() {
  return <GoneHome />;
}
