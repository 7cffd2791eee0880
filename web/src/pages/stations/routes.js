// The network of stations: the list and map (public, a tab), and each station. They load
// when first opened (the map brings its charts).
const StationsPage = () => import('./StationsPage.vue');
const StationPage = () => import('./StationPage.vue');

export default [
  { path: '/stations', component: StationsPage, meta: { title: 'stations.title', tab: true } },
  { path: '/stations/:id(\\d+)', component: StationPage, meta: { title: 'stations.detailTitle' } },
];
