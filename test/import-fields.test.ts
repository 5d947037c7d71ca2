/**
 * The import's readers of single values, with answers worked out by hand: ids written as
 * floats, bathrooms as text, amenities in both of Inside Airbnb's spellings, dates whose
 * day-month order the file decides, and columns found by name or by --map.
 */
import { describe, expect, it } from 'vitest';
import { FileDates } from '../server/import/file-dates';
import { airbnbColumnIndex, MissingColumns, parseColumnMap, AIRBNB_COLUMNS } from '../server/import/import-columns';
import { integerText, ListingIds } from '../server/import/listing-ids';
import { airbnbAmenities, airbnbBathrooms } from '../server/import/row-formats';

describe('ids written as numbers', () => {
  it.each([
    ['9.290212028640289e+17', '929021202864028900'],
    ['929021202864028928.0', '929021202864028900'],
    ['42932.0', '42932'],
    ['1e3', '1000'],
    ['1.5e21', '1500000000000000000000'],
    ['12345', '12345'],
    ['929021202864028934', '929021202864028934'],
    ['abc-12', 'abc-12'],
  ])('%s → %s', (text, id) => {
    expect(new ListingIds().read(text, 2)).toBe(id);
  });

  it('refuses what is not a whole number or not an id', () => {
    const ids = new ListingIds();
    expect(() => ids.read('12.5', 2)).toThrow('id "12.5" is not a whole number');
    expect(() => ids.read('', 2)).toThrow('id is missing');
    expect(() => ids.read('a b', 2)).toThrow('id "a b" is not a valid id');
  });

  it('writes a float out as JavaScript and Python print it, zeros for the exponent', () => {
    expect(integerText(2 ** 60)).toBe('1152921504606847000');
    expect(integerText(1e22)).toBe('10000000000000000000000');
  });

  it('tells how many were floats, how many lost digits, and which rounded ids repeat', () => {
    const ids = new ListingIds();
    ids.read('9.290212028640289e+17', 2);
    ids.read('7.0', 3);
    ids.read('929021202864028928.0', 9);
    expect(ids.notes()).toEqual([
      '3 ids were written as floating-point numbers (9.290212028640289e+17 on line 2 became 929021202864028900); 2 of them are above 2^53, where a float keeps about 16 digits: the export had already rounded the last digits away, so they are not the ids the source gave (export ids as text to keep them)',
      "1 row's id repeats an earlier row's rounded id (line 9 as line 2): each updated that listing, which may have been another home",
    ]);
    expect(new ListingIds().notes()).toEqual([]);
  });
});

describe('bathrooms and amenities', () => {
  it.each([
    ['1 bath', 1],
    ['1.5 shared baths', 1.5],
    ['2 private baths', 2],
    ['Half-bath', 0.5],
    ['Shared half-bath', 0.5],
    ['0 baths', 0],
    ['2.0', 2],
    ['1.25', 1.5],
    ['', null],
    ['many', null],
    ['900 baths', null],
  ])('%s → %s', (text, n) => {
    expect(airbnbBathrooms(text)).toBe(n);
  });

  it.each([
    ['["Wifi", "Kitchen", "Wifi", " ", "Hair dryer"]', ['Wifi', 'Kitchen', 'Hair dryer']],
    ['{TV,"Cable TV",Internet,"translation missing: en.hosting_amenity_49","Family/kid friendly"}', ['TV', 'Cable TV', 'Internet', 'Family/kid friendly']],
    ['["Sound system with \\"Bluetooth\\""]', ['Sound system with "Bluetooth"']],
    ['[]', []],
    ['', []],
    ['[broken', ['broken']],
  ])('%s', (text, list) => {
    expect(airbnbAmenities(text)).toEqual(list);
  });
});

describe('dates, day or month first as the file says', () => {
  const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

  it('reads every form the README lists', () => {
    const dates = new FileDates();
    expect(dates.read('2019-10-21', 1)).toBe(day(2019, 10, 21));
    expect(dates.read('2019-10-21 00:00:00', 1)).toBe(day(2019, 10, 21));
    expect(dates.read('2019/2/5', 1)).toBe(day(2019, 2, 5));
    expect(dates.read('21.10.2019', 1)).toBe(day(2019, 10, 21));
    expect(dates.read('21-10-2019', 1)).toBe(day(2019, 10, 21));
    expect(dates.read('25/02/2019', 1)).toBe(day(2019, 2, 25));
  });

  it('rows read day first before a month-first date settles it are read again', () => {
    const dates = new FileDates();
    const early = { listedAt: dates.read('03/04/2019', 2) as number | null, updatedAt: 0 };
    dates.holdLast(early);
    early.updatedAt = early.listedAt!;
    expect(early.listedAt).toBe(day(2019, 4, 3));
    expect(dates.read('2/25/2019', 3)).toBe(day(2019, 2, 25));
    expect(early).toEqual({ listedAt: day(2019, 3, 4), updatedAt: day(2019, 3, 4) });
    // Once settled, ambiguous dates follow the file's order, and the other order is unreadable.
    expect(dates.read('03/04/2019', 4)).toBe(day(2019, 3, 4));
    expect(dates.read('25/02/2019', 5)).toBeNull();
    expect(dates.notes()).toEqual([
      'dates like 2/25/2019 read month first (MM/DD/YYYY), as line 3 shows; 2 that could be either were read the same way',
      '1 date could not be read (line 5: "25/02/2019"); a home with no date read is dated by the import',
    ]);
  });

  it('a batch written before the file said keeps its day-first dates', () => {
    const dates = new FileDates();
    const row = { listedAt: dates.read('03/04/2019', 2) as number | null };
    dates.holdLast(row);
    dates.settle();
    dates.read('2/25/2019', 9000);
    expect(row.listedAt).toBe(day(2019, 4, 3));
  });
});

describe('columns', () => {
  it('finds each field by its Inside Airbnb names, official areas first, --map replacing them', () => {
    const header = ['ID', 'name', 'neighbourhood', 'neighbourhood_cleansed', 'latitude', 'longitude', 'room_type', 'price', 'bathrooms', 'bathrooms_text', 'room_id'];
    const at = airbnbColumnIndex(header, new Map());
    expect(at.id).toEqual([0]);
    expect(at.neighbourhood).toEqual([3, 2]);
    expect(at.bathrooms).toEqual([8, 9]);
    expect(at.district).toEqual([]);
    expect(airbnbColumnIndex(header, new Map([['id', 'room_id']])).id).toEqual([10]);
  });

  it('stops on a file without what is needed, naming what it looked for and found', () => {
    const header = ['room_id', 'name', 'lat', 'longitude', 'room_type', 'price'];
    let error: unknown;
    try {
      airbnbColumnIndex(header, new Map([['bedrooms', 'beds']]));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MissingColumns);
    expect((error as Error).message).toBe(
      'import stopped: no column for id, lat (latitude), no column beds for bedrooms (looked for id, latitude, longitude, room_type, price, beds; found room_id, name, lat, longitude, room_type, price); name them with --map id=COLUMN,lat=COLUMN,bedrooms=COLUMN',
    );
  });

  it('--map: pairs of known fields, each once', () => {
    const fields = Object.keys(AIRBNB_COLUMNS);
    expect([...parseColumnMap(['id=room_id,title=name', 'lat = y'], fields)]).toEqual([['id', 'room_id'], ['title', 'name'], ['lat', 'y']]);
    expect(() => parseColumnMap(['id'], fields)).toThrow('--map: "id" is not FIELD=COLUMN');
    expect(() => parseColumnMap(['colour=x'], fields)).toThrow(/unknown field "colour"/);
    expect(() => parseColumnMap(['id=a,id=b'], fields)).toThrow('--map: id is given twice');
  });
});
