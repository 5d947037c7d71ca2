import { NotFoundMessage } from '@/components/listing/not-found-message';

export default function NotFound() {
  return <NotFoundMessage />;
}
