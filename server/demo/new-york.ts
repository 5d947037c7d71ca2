/**
 * New York's boroughs and a selection of their neighbourhoods: real names, approximate
 * centres (degrees), how spread out and how dense each is, and how its rents compare to
 * its borough's. Sources: public maps and rent reports, rounded; a demo, not a survey.
 */
export interface DemoNeighbourhood {
  name: string;
  lat: number;
  lon: number;
  /** Standard deviation of the scatter, degrees. */
  spread: number;
  /** Relative number of listings. */
  weight: number;
  /** Rent relative to the borough's median. */
  rent: number;
}

export interface DemoDistrict {
  name: string;
  lat: number;
  lon: number;
  /** Median monthly rent of a one-bedroom entire home, USD. */
  medianRent: number;
  neighbourhoods: DemoNeighbourhood[];
}

const n = (name: string, lat: number, lon: number, spread: number, weight: number, rent: number): DemoNeighbourhood => ({
  name,
  lat,
  lon,
  spread,
  weight,
  rent,
});

export const NEW_YORK: DemoDistrict[] = [
  {
    name: 'Manhattan',
    lat: 40.7831,
    lon: -73.9712,
    medianRent: 4300,
    neighbourhoods: [
      n('Upper West Side', 40.787, -73.975, 0.007, 9, 1.05),
      n('Upper East Side', 40.773, -73.956, 0.007, 10, 1.0),
      n('Harlem', 40.811, -73.946, 0.008, 9, 0.72),
      n('East Harlem', 40.796, -73.938, 0.005, 6, 0.7),
      n('Washington Heights', 40.84, -73.939, 0.008, 7, 0.62),
      n('Inwood', 40.868, -73.921, 0.005, 3, 0.58),
      n('Midtown', 40.755, -73.984, 0.006, 8, 1.15),
      n("Hell's Kitchen", 40.764, -73.992, 0.005, 8, 1.08),
      n('Chelsea', 40.746, -74.001, 0.005, 6, 1.25),
      n('Murray Hill', 40.748, -73.976, 0.004, 5, 1.02),
      n('Gramercy', 40.737, -73.985, 0.004, 4, 1.15),
      n('Greenwich Village', 40.734, -74.0, 0.004, 5, 1.35),
      n('East Village', 40.726, -73.982, 0.005, 8, 1.12),
      n('Lower East Side', 40.715, -73.986, 0.004, 6, 1.0),
      n('SoHo', 40.723, -74.0, 0.003, 3, 1.55),
      n('Tribeca', 40.716, -74.009, 0.003, 2, 1.7),
      n('Financial District', 40.707, -74.009, 0.004, 5, 1.18),
    ],
  },
  {
    name: 'Brooklyn',
    lat: 40.6782,
    lon: -73.9442,
    medianRent: 3300,
    neighbourhoods: [
      n('Williamsburg', 40.714, -73.961, 0.007, 11, 1.25),
      n('Greenpoint', 40.73, -73.951, 0.005, 5, 1.12),
      n('Bushwick', 40.694, -73.921, 0.008, 9, 0.9),
      n('Bedford-Stuyvesant', 40.687, -73.941, 0.009, 12, 0.88),
      n('Crown Heights', 40.668, -73.944, 0.008, 8, 0.85),
      n('Prospect Heights', 40.677, -73.967, 0.004, 3, 1.1),
      n('Park Slope', 40.671, -73.978, 0.006, 5, 1.22),
      n('Fort Greene', 40.689, -73.975, 0.004, 3, 1.15),
      n('Brooklyn Heights', 40.696, -73.994, 0.004, 3, 1.35),
      n('DUMBO', 40.703, -73.989, 0.002, 1, 1.5),
      n('Flatbush', 40.641, -73.959, 0.008, 6, 0.78),
      n('Sunset Park', 40.645, -74.012, 0.007, 3, 0.8),
      n('Bay Ridge', 40.625, -74.03, 0.007, 3, 0.8),
      n('Bensonhurst', 40.605, -73.994, 0.007, 2, 0.72),
      n('Sheepshead Bay', 40.587, -73.944, 0.007, 2, 0.74),
      n('Coney Island', 40.576, -73.987, 0.005, 1, 0.68),
      n('East New York', 40.666, -73.882, 0.009, 2, 0.62),
    ],
  },
  {
    name: 'Queens',
    lat: 40.7282,
    lon: -73.7949,
    medianRent: 2600,
    neighbourhoods: [
      n('Astoria', 40.764, -73.923, 0.008, 8, 1.1),
      n('Long Island City', 40.744, -73.949, 0.006, 6, 1.45),
      n('Sunnyside', 40.743, -73.921, 0.005, 3, 0.98),
      n('Woodside', 40.745, -73.903, 0.005, 3, 0.92),
      n('Jackson Heights', 40.756, -73.883, 0.006, 4, 0.9),
      n('Elmhurst', 40.737, -73.878, 0.006, 4, 0.88),
      n('Ridgewood', 40.705, -73.903, 0.006, 4, 0.95),
      n('Forest Hills', 40.719, -73.845, 0.007, 3, 1.05),
      n('Flushing', 40.757, -73.83, 0.009, 5, 0.9),
      n('Jamaica', 40.702, -73.789, 0.01, 4, 0.78),
      n('Bayside', 40.764, -73.77, 0.01, 2, 0.98),
      n('Rockaway Beach', 40.586, -73.816, 0.008, 1, 0.8),
    ],
  },
  {
    name: 'Bronx',
    lat: 40.8448,
    lon: -73.8648,
    medianRent: 2100,
    neighbourhoods: [
      n('Mott Haven', 40.809, -73.923, 0.006, 4, 1.05),
      n('Concourse', 40.834, -73.917, 0.007, 4, 0.95),
      n('Fordham', 40.861, -73.89, 0.007, 3, 0.92),
      n('Kingsbridge', 40.878, -73.905, 0.006, 2, 0.98),
      n('Riverdale', 40.89, -73.912, 0.008, 2, 1.12),
      n('Parkchester', 40.837, -73.86, 0.007, 2, 0.9),
      n('Williamsbridge', 40.878, -73.862, 0.008, 2, 0.88),
      n('Pelham Bay', 40.85, -73.833, 0.008, 1, 0.95),
      n('Throgs Neck', 40.819, -73.818, 0.008, 1, 0.98),
    ],
  },
  {
    name: 'Staten Island',
    lat: 40.5795,
    lon: -74.1502,
    medianRent: 2000,
    neighbourhoods: [
      n('St. George', 40.644, -74.077, 0.005, 2, 1.0),
      n('Stapleton', 40.627, -74.078, 0.005, 1, 0.95),
      n('Port Richmond', 40.633, -74.137, 0.007, 1, 0.9),
      n('New Springville', 40.585, -74.16, 0.01, 1, 1.05),
      n('Great Kills', 40.554, -74.151, 0.009, 1, 1.08),
      n('Tottenville', 40.51, -74.242, 0.008, 1, 1.1),
    ],
  },
];
